package dev.switchboard.it.e2e;

/** The two stores an operator can write flags to. */
public enum Store {
  ETCD,
  ZOOKEEPER
}
