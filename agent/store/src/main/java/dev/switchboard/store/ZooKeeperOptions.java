package dev.switchboard.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach ZooKeeper. Immutable; build with {@link #builder()}.
 *
 * @param connectString {@code host:port[,host:port...]}
 * @param maxValueBytes values larger than this are refused on write and skipped on read; at most
 *     ZooKeeper's own {@code jute.maxbuffer} default (1 MiB) minus framing
 * @param operationTimeout deadline of one read/write
 * @param sessionTimeout ZooKeeper session timeout: ephemeral (live) keys of a dead client vanish after it
 * @param connectionTimeout how long Curator waits for a connection per attempt
 * @param skipSequentialNames treat a last segment ending in a 10-digit counter ({@code lock-0000000012})
 *     as a sequential znode and skip it (ZooKeeper's Stat does not say whether a node is sequential)
 */
public record ZooKeeperOptions(
    String connectString,
    int maxValueBytes,
    Duration operationTimeout,
    Duration sessionTimeout,
    Duration connectionTimeout,
    boolean skipSequentialNames) {
  /** ZooKeeper's default jute.maxbuffer (1 MiB) minus room for the request framing. */
  public static final int ZOOKEEPER_LIMIT_BYTES = 1024 * 1024 - 1024;

  public ZooKeeperOptions {
    Objects.requireNonNull(connectString, "connectString == null");
    if (connectString.isBlank()) {
      throw new IllegalArgumentException("connectString is blank");
    }
    for (String hp : connectString.split("/", 2)[0].split(",")) {
      int i = hp.lastIndexOf(':');
      if (i <= 0) {
        throw new IllegalArgumentException("connectString entry is not host:port: " + hp);
      }
      try {
        int port = Integer.parseInt(hp.substring(i + 1).trim());
        if (port <= 0 || port > 65535) {
          throw new IllegalArgumentException("connectString port out of range: " + hp);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("connectString port is not a number: " + hp, e);
      }
    }
    if (maxValueBytes <= 0 || maxValueBytes > ZOOKEEPER_LIMIT_BYTES) {
      throw new IllegalArgumentException("maxValueBytes out of 1.." + ZOOKEEPER_LIMIT_BYTES + ": " + maxValueBytes);
    }
    EtcdOptions.requirePositive("operationTimeout", operationTimeout);
    EtcdOptions.requirePositive("sessionTimeout", sessionTimeout);
    EtcdOptions.requirePositive("connectionTimeout", connectionTimeout);
  }

  public static Builder builder() {
    return new Builder();
  }

  public static Builder builder(String connectString) {
    return new Builder().connectString(connectString);
  }

  public static final class Builder {
    private String connectString;
    private int maxValueBytes = EtcdOptions.DEFAULT_MAX_VALUE_BYTES;
    private Duration operationTimeout = Duration.ofSeconds(5);
    private Duration sessionTimeout = Duration.ofSeconds(10);
    private Duration connectionTimeout = Duration.ofSeconds(5);
    private boolean skipSequentialNames = true;

    private Builder() {}

    public Builder connectString(String v) {
      connectString = v;
      return this;
    }

    public Builder maxValueBytes(int v) {
      maxValueBytes = v;
      return this;
    }

    public Builder operationTimeout(Duration v) {
      operationTimeout = v;
      return this;
    }

    public Builder sessionTimeout(Duration v) {
      sessionTimeout = v;
      return this;
    }

    public Builder connectionTimeout(Duration v) {
      connectionTimeout = v;
      return this;
    }

    public Builder skipSequentialNames(boolean v) {
      skipSequentialNames = v;
      return this;
    }

    public ZooKeeperOptions build() {
      return new ZooKeeperOptions(
          connectString, maxValueBytes, operationTimeout, sessionTimeout, connectionTimeout, skipSequentialNames);
    }
  }
}
