package dev.switchboard.store.zookeeper;

import dev.switchboard.store.Keys;
import org.apache.zookeeper.data.Stat;

/** What a znode is to the key space. */
final class ZkNodes {
  /** ZooKeeper's marker for CONTAINER nodes in {@code ephemeralOwner}. */
  static final long CONTAINER_OWNER = Long.MIN_VALUE;

  enum Kind {
    /** A key holding a value. */
    KEY,
    /** Empty data or a CONTAINER node: a directory, not a key. */
    DIRECTORY,
    /** A key that is ephemeral (or TTL) and belongs to another session. */
    FOREIGN_EPHEMERAL,
    /** A name ending in ZooKeeper's 10-digit sequence counter. */
    SEQUENTIAL,
    /** Path not valid for the key space. */
    INVALID,
    /** Data larger than the bound. */
    OVERSIZED
  }

  private ZkNodes() {}

  static boolean isEphemeral(Stat s) {
    long owner = s.getEphemeralOwner();
    return owner != 0 && owner != CONTAINER_OWNER;
  }

  static Kind classify(String path, byte[] data, Stat stat, long ownSession, int maxValueBytes, boolean skipSequential) {
    if (Keys.pathProblem(path).isPresent()) {
      return Kind.INVALID;
    }
    if (data.length == 0 || stat.getEphemeralOwner() == CONTAINER_OWNER) {
      return Kind.DIRECTORY;
    }
    if (skipSequential && Keys.looksSequential(path)) {
      return Kind.SEQUENTIAL;
    }
    if (isEphemeral(stat) && stat.getEphemeralOwner() != ownSession) {
      return Kind.FOREIGN_EPHEMERAL;
    }
    if (data.length > maxValueBytes) {
      return Kind.OVERSIZED;
    }
    return Kind.KEY;
  }

  static String reason(Kind k, String path, byte[] data, Stat stat, int max) {
    return switch (k) {
      case INVALID -> "invalid key: " + Keys.pathProblem(path).orElse("?");
      case FOREIGN_EPHEMERAL -> "ephemeral znode of session 0x" + Long.toHexString(stat.getEphemeralOwner()) + " (not desired state)";
      case SEQUENTIAL -> "sequential znode name (not desired state)";
      case OVERSIZED -> "value of " + data.length + " bytes > maxValueBytes " + max;
      default -> k.toString();
    };
  }
}
