package dev.switchboard.bridge.merge;

/** The two stores a bridge connects. */
public enum Side {
  ETCD("etcd"),
  ZOOKEEPER("zookeeper");

  private final String label;

  Side(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public Side other() {
    return this == ETCD ? ZOOKEEPER : ETCD;
  }

  /** Parses {@code etcd} / {@code zookeeper}. */
  public static Side parse(String s) {
    for (Side v : values()) {
      if (v.label.equals(s)) {
        return v;
      }
    }
    throw new IllegalArgumentException("not a store: \"" + s + "\" (etcd or zookeeper)");
  }
}
