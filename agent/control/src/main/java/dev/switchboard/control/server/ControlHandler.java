package dev.switchboard.control.server;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** What the control server asks of the runtime behind it (the plugin manager, in the host). */
public interface ControlHandler {
  RuntimeInfo info();

  /**
   * A controller connected and asks for {@code exports} (host packages plugins may see, {@code pkg}
   * or {@code pkg.*}; possibly empty): the runtime adds them and answers its info with the exports
   * now in force and the packages it cannot find.
   *
   * @throws IllegalArgumentException naming an entry that is not a package name (the connection is refused)
   */
  default RuntimeInfo hello(List<String> exports) {
    return info();
  }

  CompletableFuture<PluginStatus> activate(ActivateRequest request);

  CompletableFuture<PluginStatus> deactivate(String pluginId);

  List<PluginStatus> statuses();

  /**
   * Runtime figures for operators and tests (counts of activations, loaders collected, metaspace
   * bytes ...), as JSON-writable values.
   */
  Map<String, Object> stats();

  /**
   * On-demand unload check: one explicit collection, then the statuses with the unload outcomes it
   * settled. Handlers that cannot check complete exceptionally.
   */
  default CompletableFuture<PluginStatus> traffic(dev.switchboard.control.TrafficRequest request) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("traffic not supported"));
  }

  default CompletableFuture<List<PluginStatus>> checkUnload() {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("checkUnload not supported"));
  }

  /**
   * Detach: stop every plugin and complete with their final statuses. Once the answer is written, the server
   * calls {@link #detached()}. Handlers that cannot detach complete exceptionally.
   */
  default CompletableFuture<List<PluginStatus>> detach() {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("detach not supported"));
  }

  /** Called once the answer to a successful {@link #detach()} was handed to the connection's writer. */
  default void detached() {}
}
