package dev.switchboard.control;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An authenticated connection to the runtime inside one host JVM. Closing it leaves every plugin
 * running; a new connection with the same token re-adopts them.
 */
public interface RuntimeConnection extends AutoCloseable {
  RuntimeInfo info();

  /** Activates, upgrades or reconfigures; completes with the resulting status (ACTIVE or FAILED). */
  CompletableFuture<PluginStatus> activate(ActivateRequest request);

  /** Deactivates (unregister, drain, stop, unload); completes with the INACTIVE or FAILED status. */
  CompletableFuture<PluginStatus> deactivate(String pluginId);

  /** The status of every plugin the runtime knows. */
  CompletableFuture<List<PluginStatus>> status();

  /**
   * Runtime figures (JSON values): {@code starts} (object: plugin id → number of activations
   * from INACTIVE/FAILED since the runtime was injected; upgrades and reconfigures are not counted;
   * unchanged by re-adoption), {@code unloads} (object: {@code collected} /
   * {@code leaked} → count), {@code metaspaceUsedBytes} and {@code loadedClasses} of the host (-1
   * when the host cannot tell). Implementations that cannot tell complete exceptionally.
   */
  default CompletableFuture<java.util.Map<String, Object>> stats() {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("stats not supported by " + getClass().getName()));
  }

  /**
   * Shares one plugin's calls between its active version and a second one, or ends that ({@link TrafficRequest});
   * completes with the plugin's status (ACTIVE, or FAILED when refused: the active version keeps serving). An
   * older runtime refuses the request (unknown type).
   */
  default CompletableFuture<PluginStatus> traffic(TrafficRequest request) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("traffic not supported by " + getClass().getName()));
  }

  /**
   * On-demand unload check: the runtime runs one explicit (full) collection, settles the unload
   * outcomes it can ({@code collected}, or {@code leaked} past the runtime's collect timeout) and
   * answers every plugin's status. Stops the host for one collection. A runtime older than this
   * request refuses it as unknown and closes the connection.
   */
  default CompletableFuture<List<PluginStatus>> checkUnload() {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("checkUnload not supported by " + getClass().getName()));
  }

  /**
   * Removes the runtime from the host: every plugin is stopped (the answer lists their final statuses), then the
   * runtime closes every connection, removes its socket, token and temporary files and lets its loader be
   * collected. A later attach starts a fresh runtime. An older runtime refuses the request (unknown type).
   */
  default CompletableFuture<List<PluginStatus>> detach() {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("detach not supported by " + getClass().getName()));
  }

  /**
   * How long attaching and starting the runtime took when this connection injected it; empty when
   * the connection re-adopted a runtime that was already running (nothing reloaded).
   */
  default java.util.Optional<java.time.Duration> injectedIn() {
    return java.util.Optional.empty();
  }

  /** State changes pushed by the runtime (also for unload outcomes found later). */
  void onEvent(Consumer<PluginStatus> listener);

  /** Called once when the connection drops (host exited, socket closed). */
  void onClosed(Consumer<Throwable> listener);

  boolean isOpen();

  @Override
  void close();
}
