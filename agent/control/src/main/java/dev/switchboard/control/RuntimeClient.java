package dev.switchboard.control;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Finds or injects the runtime in a host JVM and connects to it.
 *
 * <p>{@link #connect(long)}: if the host already runs a runtime whose socket and token are in the
 * control directory, connects (re-adoption, nothing reloaded); otherwise attaches with the Attach
 * API, loads {@code runtimeJar}, waits for the socket, then connects.
 */
public interface RuntimeClient {
  RuntimeConnection connect(long hostPid);

  /**
   * Connects only if a runtime already runs in {@code hostPid} and publishes its socket and token in
   * the control directory (re-adoption; never attaches, never loads anything). Empty when there is
   * none (no files, or a stale socket nobody answers).
   *
   * @throws ControlException NO_SUCH_PROCESS, UNAUTHORIZED (token refused), PROTOCOL, TIMEOUT
   */
  default java.util.Optional<RuntimeConnection> adopt(long hostPid) {
    throw new UnsupportedOperationException("adopt not supported by " + getClass().getName());
  }

  /**
   * Loads the Attach API and the connection code in the background, ahead of the first {@link
   * #connect}. Optional: without it the first connect of this JVM does that work itself (100–300 ms
   * on a cold JVM, measured in BENCHMARKS.md). The sidecar calls it when it starts. Never fails the
   * caller: a problem found here (e.g. no {@code jdk.attach}) is reported again by {@code connect}.
   *
   * @return completes when the preparation is done, with the time it took
   */
  default java.util.concurrent.CompletableFuture<Duration> prepare() {
    return java.util.concurrent.CompletableFuture.completedFuture(Duration.ZERO);
  }

  /** Builder for the default implementation. */
  static Builder builder() {
    return new Builder();
  }

  final class Builder {
    Path controlDir = Path.of(System.getProperty("java.io.tmpdir"), "switchboard");
    Path runtimeJar;
    Duration timeout = Duration.ofSeconds(30);
    java.util.List<String> exports = java.util.List.of();

    Builder() {}

    /** Directory shared with the host for sockets and tokens (docs/reference.md §6 {@code controlDir}). */
    public Builder controlDir(Path dir) {
      this.controlDir = java.util.Objects.requireNonNull(dir, "controlDir == null");
      return this;
    }

    /** {@code dist/switchboard-runtime.jar}, as a path the host process can read. */
    public Builder runtimeJar(Path jar) {
      this.runtimeJar = java.util.Objects.requireNonNull(jar, "runtimeJar == null");
      return this;
    }

    /** Host packages plugins may see besides the plugin API (docs/reference.md §6 {@code host.exports}). */
    public Builder exports(java.util.List<String> packages) {
      this.exports = java.util.List.copyOf(packages);
      return this;
    }

    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout <= 0: " + timeout);
      this.timeout = timeout;
      return this;
    }

    public Path controlDir() { return controlDir; }
    public Path runtimeJar() { return runtimeJar; }
    public Duration timeout() { return timeout; }
    public java.util.List<String> exports() { return exports; }

    public RuntimeClient build() {
      if (runtimeJar == null) throw new IllegalStateException("runtimeJar not set");
      // The implementation lives in dev.switchboard.control.internal (built with the runtime).
      return dev.switchboard.control.internal.Clients.create(this);
    }
  }
}
