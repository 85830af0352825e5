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
 * @param tls PEM files for the server's secure client port; null: plain connection
 * @param saslUser SASL (DIGEST-MD5) user; null: no SASL
 * @param saslPassword where its password comes from (required with {@code saslUser})
 * @param digestUser digest-scheme user ({@code addauth digest user:password}); null: none
 * @param digestPassword where its password comes from (required with {@code digestUser})
 * @param acl ACL entries ({@code scheme:id:perms}, perms from {@code cdrwa}) put on every node this
 *     client creates; empty: {@code world:anyone:cdrwa} without authentication, else every
 *     permission for this client's own identities plus {@code world:anyone:r}
 */
public record ZooKeeperOptions(
    String connectString,
    int maxValueBytes,
    Duration operationTimeout,
    Duration sessionTimeout,
    Duration connectionTimeout,
    boolean skipSequentialNames,
    TlsFiles tls,
    String saslUser,
    Secret saslPassword,
    String digestUser,
    Secret digestPassword,
    java.util.List<String> acl) {
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
    if ((saslUser == null) != (saslPassword == null)) {
      throw new IllegalArgumentException("sasl.user and its password go together: user=" + saslUser + ", password " + (saslPassword == null ? "missing" : "given"));
    }
    if ((digestUser == null) != (digestPassword == null)) {
      throw new IllegalArgumentException("digest.user and its password go together: user=" + digestUser + ", password " + (digestPassword == null ? "missing" : "given"));
    }
    if (digestUser != null && (digestUser.isBlank() || digestUser.contains(":"))) {
      throw new IllegalArgumentException("digest.user must be non-blank without ':': '" + digestUser + "'");
    }
    acl = java.util.List.copyOf(acl == null ? java.util.List.of() : acl);
    for (String a : acl) {
      dev.switchboard.store.zookeeper.ZkSecurity.parseAcl(a);
    }
  }

  /** Whether this client authenticates (SASL or digest). */
  public boolean authenticated() {
    return saslUser != null || digestUser != null;
  }

  /** No password value here: {@link Secret#toString()} names its source only. */
  @Override
  public String toString() {
    return "ZooKeeperOptions[connect=" + connectString + ", tls=" + tls + ", saslUser=" + saslUser + ", saslPassword=" + saslPassword
        + ", digestUser=" + digestUser + ", digestPassword=" + digestPassword + ", acl=" + acl + "]";
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
    private TlsFiles tls;
    private String saslUser;
    private Secret saslPassword;
    private String digestUser;
    private Secret digestPassword;
    private java.util.List<String> acl = java.util.List.of();

    private Builder() {}

    public Builder tls(TlsFiles v) {
      tls = v;
      return this;
    }

    public Builder sasl(String user, Secret password) {
      saslUser = user;
      saslPassword = password;
      return this;
    }

    public Builder digest(String user, Secret password) {
      digestUser = user;
      digestPassword = password;
      return this;
    }

    public Builder acl(java.util.List<String> v) {
      acl = v;
      return this;
    }

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
          connectString, maxValueBytes, operationTimeout, sessionTimeout, connectionTimeout, skipSequentialNames,
          tls, saslUser, saslPassword, digestUser, digestPassword, acl);
    }
  }
}
