package dev.switchboard.store;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to reach etcd. Immutable; build with {@link #builder()}.
 *
 * @param endpoints client URLs ({@code http://127.0.0.1:2379}), at least one
 * @param maxValueBytes values larger than this are refused on write and skipped on read
 * @param operationTimeout deadline of one read/write
 * @param leaseTtl TTL of the lease behind {@link KeySpace#putLive} keys (a dead client's keys vanish after it)
 * @param retryDelay first delay before a failed watch is re-established (doubles up to 5 s)
 * @param tls PEM files for {@code https://} endpoints; null: the JVM's trust store, no client certificate
 * @param user etcd user (authentication enabled on the server); null: none
 * @param password where {@code user}'s password comes from (required with {@code user})
 * @param authority TLS server name / HTTP/2 authority to use instead of the endpoint's host; null: the host
 */
public record EtcdOptions(
    List<String> endpoints,
    int maxValueBytes,
    Duration operationTimeout,
    Duration leaseTtl,
    Duration retryDelay,
    TlsFiles tls,
    String user,
    Secret password,
    String authority) {
  public static final int DEFAULT_MAX_VALUE_BYTES = 512 * 1024;

  public EtcdOptions {
    endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints == null"));
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("endpoints is empty");
    }
    for (String e : endpoints) {
      URI u;
      try {
        u = URI.create(e);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("endpoint is not a URL: " + e, ex);
      }
      if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null || u.getPort() < 0) {
        throw new IllegalArgumentException("endpoint must be http(s)://host:port: " + e);
      }
    }
    if (maxValueBytes <= 0 || maxValueBytes > 64 * 1024 * 1024) {
      throw new IllegalArgumentException("maxValueBytes out of 1..64MiB: " + maxValueBytes);
    }
    requirePositive("operationTimeout", operationTimeout);
    requirePositive("leaseTtl", leaseTtl);
    if (leaseTtl.toSeconds() < 2) {
      throw new IllegalArgumentException("leaseTtl < 2s: " + leaseTtl);
    }
    requirePositive("retryDelay", retryDelay);
    if ((user == null) != (password == null)) {
      throw new IllegalArgumentException("user and password go together: user=" + user + ", password " + (password == null ? "missing" : "given"));
    }
    if (user != null && (user.isBlank() || user.contains(":"))) {
      throw new IllegalArgumentException("user must be non-blank without ':': '" + user + "'");
    }
    if (authority != null && authority.isBlank()) {
      throw new IllegalArgumentException("authority is blank");
    }
    boolean anyHttps = endpoints.stream().anyMatch(e -> e.startsWith("https://"));
    boolean anyHttp = endpoints.stream().anyMatch(e -> e.startsWith("http://"));
    if (anyHttps && anyHttp) {
      throw new IllegalArgumentException("endpoints mix http:// and https://: " + endpoints);
    }
    if (tls != null && anyHttp) {
      throw new IllegalArgumentException("tls is set but the endpoints are http://: " + endpoints + " (use https://)");
    }
  }

  /** Whether the endpoints are {@code https://}. */
  public boolean secure() {
    return endpoints.get(0).startsWith("https://");
  }

  /** No password value here: {@link Secret#toString()} names its source only. */
  @Override
  public String toString() {
    return "EtcdOptions[endpoints=" + endpoints + ", tls=" + tls + ", user=" + user + ", password=" + password + ", authority=" + authority + "]";
  }

  static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " <= 0: " + d);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Comma-separated endpoints, as in {@code --etcd URL[,URL]}. */
  public static Builder builder(String commaSeparatedEndpoints) {
    return new Builder().endpoints(commaSeparatedEndpoints);
  }

  public static final class Builder {
    private final List<String> endpoints = new ArrayList<>();
    private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
    private Duration operationTimeout = Duration.ofSeconds(5);
    private Duration leaseTtl = Duration.ofSeconds(10);
    private Duration retryDelay = Duration.ofMillis(250);
    private TlsFiles tls;
    private String user;
    private Secret password;
    private String authority;

    private Builder() {}

    public Builder tls(TlsFiles v) {
      tls = v;
      return this;
    }

    /** {@code user} with its password source; both null: no authentication. */
    public Builder auth(String user, Secret password) {
      this.user = user;
      this.password = password;
      return this;
    }

    public Builder authority(String v) {
      authority = v;
      return this;
    }

    public Builder endpoints(List<String> list) {
      endpoints.clear();
      list.forEach(e -> endpoints.add(e.trim()));
      return this;
    }

    public Builder endpoints(String commaSeparated) {
      endpoints.clear();
      for (String e : commaSeparated.split(",")) {
        if (!e.isBlank()) {
          endpoints.add(e.trim());
        }
      }
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

    public Builder leaseTtl(Duration v) {
      leaseTtl = v;
      return this;
    }

    public Builder retryDelay(Duration v) {
      retryDelay = v;
      return this;
    }

    public EtcdOptions build() {
      return new EtcdOptions(endpoints, maxValueBytes, operationTimeout, leaseTtl, retryDelay, tls, user, password, authority);
    }
  }
}
