package dev.switchboard.runtime.plugin;

import dev.switchboard.api.ApiVersion;
import dev.switchboard.api.Plugin;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of a {@link PluginManager}.
 *
 * @param hostExports packages of the host that plugins see (exact package {@code com.example.spi},
 *     or {@code com.example.spi.*} for the package and its sub-packages), loaded by {@code
 *     hostLoader}; besides these, plugins see only the JDK and the plugin API
 * @param hostLoader the loader host exports come from (default: the system class loader)
 * @param hostExportsSource when set, asked for the current host exports each time a plugin
 *     loader is created (exports that change while the runtime runs, resolved against the loaders
 *     that define each package); {@code hostExports} and {@code hostLoader} are then unused
 * @param apiLoader the loader of the plugin API (default: the loader of {@link Plugin}; null means
 *     the bootstrap loader)
 * @param apiVersion plugin API version offered (default {@link ApiVersion#CURRENT})
 * @param hostJavaFeature Java feature release of the host (class files above it are refused)
 * @param maxJarBytes largest jar file accepted
 * @param maxEntries most archive entries accepted
 * @param maxTotalBytes most total uncompressed bytes accepted (counted while reading)
 * @param maxEntryRatio highest uncompressed/compressed ratio of one entry larger than 1 MiB
 * @param startTimeout bound for {@code Plugin.start}
 * @param stopTimeout bound for {@code Plugin.stop} (and {@code reconfigure})
 * @param drainTimeout bound for in-flight calls to return after unregistering
 * @param threadTimeout bound for plugin threads to end after stop (then interrupted and reported)
 * @param collectTimeout how long the unload check waits for the loader to be collected before
 *     reporting {@code leaked} (a loader is named leaked only after an explicit collection that ran
 *     past this deadline)
 * @param collectWait how long {@code deactivate} waits for the collection before completing with
 *     {@code pending} (the outcome is pushed as an event later); default 0: deactivation never
 *     waits for the collector
 * @param unloadGcDelay quiet period after which a loader that natural collections have not yet
 *     cleared gets one explicit {@link System#gc()}; null: the runtime never forces a collection
 *     by itself (only the on-demand check does); default 10 s
 * @param unloadGcInterval least time between two explicit collections forced by the unload check
 *     (all pending loaders share one); default 60 s
 */
public record PluginManagerConfig(
    List<String> hostExports,
    ClassLoader hostLoader,
    java.util.function.Supplier<HostExports> hostExportsSource,
    ClassLoader apiLoader,
    ApiVersion apiVersion,
    int hostJavaFeature,
    long maxJarBytes,
    int maxEntries,
    long maxTotalBytes,
    int maxEntryRatio,
    Duration startTimeout,
    Duration stopTimeout,
    Duration drainTimeout,
    Duration threadTimeout,
    Duration collectTimeout,
    Duration collectWait,
    Duration unloadGcDelay,
    Duration unloadGcInterval) {
  private static final Pattern PACKAGE =
      Pattern.compile("[a-zA-Z_$][a-zA-Z0-9_$]*(\\.[a-zA-Z_$][a-zA-Z0-9_$]*)*(\\.\\*)?");

  public PluginManagerConfig {
    hostExports = List.copyOf(hostExports);
    for (String p : hostExports) {
      if (!PACKAGE.matcher(p).matches()) {
        throw new IllegalArgumentException("hostExports entry is not a package name: '" + p + "'");
      }
      if (p.equals("java") || p.startsWith("java.") || p.startsWith("dev.switchboard.api")) {
        throw new IllegalArgumentException("hostExports entry is always delegated, do not list it: '" + p + "'");
      }
    }
    Objects.requireNonNull(hostLoader, "hostLoader == null");
    Objects.requireNonNull(apiVersion, "apiVersion == null");
    if (hostJavaFeature < 8) {
      throw new IllegalArgumentException("hostJavaFeature < 8: " + hostJavaFeature);
    }
    positive("maxJarBytes", maxJarBytes);
    positive("maxEntries", maxEntries);
    positive("maxTotalBytes", maxTotalBytes);
    positive("maxEntryRatio", maxEntryRatio);
    positive("startTimeout", startTimeout);
    positive("stopTimeout", stopTimeout);
    positive("drainTimeout", drainTimeout);
    positive("threadTimeout", threadTimeout);
    positive("collectTimeout", collectTimeout);
    Objects.requireNonNull(collectWait, "collectWait == null");
    if (collectWait.isNegative()) {
      throw new IllegalArgumentException("collectWait < 0: " + collectWait);
    }
    if (unloadGcDelay != null && unloadGcDelay.isNegative()) {
      throw new IllegalArgumentException("unloadGcDelay < 0: " + unloadGcDelay);
    }
    Objects.requireNonNull(unloadGcInterval, "unloadGcInterval == null");
    if (unloadGcInterval.isNegative()) {
      throw new IllegalArgumentException("unloadGcInterval < 0: " + unloadGcInterval);
    }
  }

  private static void positive(String name, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " <= 0: " + v);
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " <= 0: " + d);
    }
  }

  /** The host exports for a plugin loader created now. */
  public HostExports currentExports() {
    return hostExportsSource == null ? HostExports.of(hostExports, hostLoader) : hostExportsSource.get();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.hostExports = hostExports;
    b.hostLoader = hostLoader;
    b.hostExportsSource = hostExportsSource;
    b.apiLoader = apiLoader;
    b.apiVersion = apiVersion;
    b.hostJavaFeature = hostJavaFeature;
    b.maxJarBytes = maxJarBytes;
    b.maxEntries = maxEntries;
    b.maxTotalBytes = maxTotalBytes;
    b.maxEntryRatio = maxEntryRatio;
    b.startTimeout = startTimeout;
    b.stopTimeout = stopTimeout;
    b.drainTimeout = drainTimeout;
    b.threadTimeout = threadTimeout;
    b.collectTimeout = collectTimeout;
    b.collectWait = collectWait;
    b.unloadGcDelay = unloadGcDelay;
    b.unloadGcInterval = unloadGcInterval;
    return b;
  }

  /** Builder with defaults suited to a production host. */
  public static final class Builder {
    private List<String> hostExports = List.of();
    private ClassLoader hostLoader = ClassLoader.getSystemClassLoader();
    private java.util.function.Supplier<HostExports> hostExportsSource;
    private ClassLoader apiLoader = Plugin.class.getClassLoader();
    private ApiVersion apiVersion = ApiVersion.CURRENT;
    private int hostJavaFeature = Runtime.version().feature();
    private long maxJarBytes = 64L << 20;
    private int maxEntries = 10_000;
    private long maxTotalBytes = 256L << 20;
    private int maxEntryRatio = 100;
    private Duration startTimeout = Duration.ofSeconds(30);
    private Duration stopTimeout = Duration.ofSeconds(10);
    private Duration drainTimeout = Duration.ofSeconds(10);
    private Duration threadTimeout = Duration.ofSeconds(2);
    private Duration collectTimeout = Duration.ofSeconds(30);
    private Duration collectWait = Duration.ZERO;
    private Duration unloadGcDelay = Duration.ofSeconds(10);
    private Duration unloadGcInterval = Duration.ofSeconds(60);

    Builder() {}

    public Builder hostExports(List<String> v) { this.hostExports = v; return this; }
    public Builder hostLoader(ClassLoader v) { this.hostLoader = v; return this; }
    public Builder hostExportsSource(java.util.function.Supplier<HostExports> v) { this.hostExportsSource = v; return this; }
    public Builder apiLoader(ClassLoader v) { this.apiLoader = v; return this; }
    public Builder apiVersion(ApiVersion v) { this.apiVersion = v; return this; }
    public Builder hostJavaFeature(int v) { this.hostJavaFeature = v; return this; }
    public Builder maxJarBytes(long v) { this.maxJarBytes = v; return this; }
    public Builder maxEntries(int v) { this.maxEntries = v; return this; }
    public Builder maxTotalBytes(long v) { this.maxTotalBytes = v; return this; }
    public Builder maxEntryRatio(int v) { this.maxEntryRatio = v; return this; }
    public Builder startTimeout(Duration v) { this.startTimeout = v; return this; }
    public Builder stopTimeout(Duration v) { this.stopTimeout = v; return this; }
    public Builder drainTimeout(Duration v) { this.drainTimeout = v; return this; }
    public Builder threadTimeout(Duration v) { this.threadTimeout = v; return this; }
    public Builder collectTimeout(Duration v) { this.collectTimeout = v; return this; }
    public Builder collectWait(Duration v) { this.collectWait = v; return this; }
    /** Quiet period before an explicit collection for a pending loader; null: never force one. */
    public Builder unloadGcDelay(Duration v) { this.unloadGcDelay = v; return this; }
    public Builder unloadGcInterval(Duration v) { this.unloadGcInterval = v; return this; }

    /**
     * Settings for tests and tools that want every unload outcome at once (the behaviour before
     * the passive check): an explicit collection right after each unload, no rate limit, and
     * {@code deactivate} waits up to {@code wait} for the outcome. Stops the whole JVM for every
     * deactivation: not for latency-sensitive hosts.
     */
    public Builder eagerUnloadCheck(Duration wait) {
      this.unloadGcDelay = Duration.ZERO;
      this.unloadGcInterval = Duration.ZERO;
      this.collectWait = wait;
      return this;
    }

    public PluginManagerConfig build() {
      return new PluginManagerConfig(hostExports, hostLoader, hostExportsSource, apiLoader, apiVersion, hostJavaFeature, maxJarBytes,
          maxEntries, maxTotalBytes, maxEntryRatio, startTimeout, stopTimeout, drainTimeout, threadTimeout,
          collectTimeout, collectWait, unloadGcDelay, unloadGcInterval);
    }
  }
}
