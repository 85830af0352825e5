package dev.switchboard.store;

import dev.switchboard.store.etcd.EtcdKeySpace;
import dev.switchboard.store.zookeeper.ZooKeeperKeySpace;

/** Opens {@link KeySpace}s. The client connects in the background; watch {@link KeySpace#state()}. */
public final class KeySpaces {
  private KeySpaces() {}

  /** A key space over etcd (jetcd). */
  public static KeySpace etcd(EtcdOptions options) {
    return EtcdKeySpace.open(options);
  }

  /** A key space over ZooKeeper (Curator). */
  public static KeySpace zookeeper(ZooKeeperOptions options) {
    return ZooKeeperKeySpace.open(options);
  }
}
