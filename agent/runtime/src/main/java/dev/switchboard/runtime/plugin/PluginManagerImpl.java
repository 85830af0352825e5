package dev.switchboard.runtime.plugin;

import dev.switchboard.api.ApiVersion;
import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** First compiling version of the facade: loading is being implemented. */
final class PluginManagerImpl implements PluginManager {
  private final PluginManagerConfig config;
  private final List<Consumer<PluginStatus>> listeners = new CopyOnWriteArrayList<>();

  PluginManagerImpl(PluginManagerConfig config) {
    this.config = config;
  }

  @Override
  public CompletableFuture<PluginStatus> activate(ActivateRequest request) {
    return CompletableFuture.completedFuture(new PluginStatus(request.pluginId(), PluginState.FAILED, null,
        request.sha256(), Instant.now().toString(), "runtime: plugin loading not implemented yet", null, List.of()));
  }

  @Override
  public CompletableFuture<PluginStatus> deactivate(String pluginId) {
    return CompletableFuture.completedFuture(new PluginStatus(pluginId, PluginState.INACTIVE, null, null,
        Instant.now().toString(), null, null, List.of()));
  }

  @Override
  public List<PluginStatus> statuses() {
    return List.of();
  }

  @Override
  public Optional<PluginStatus> status(String pluginId) {
    return Optional.empty();
  }

  @Override
  public void addListener(Consumer<PluginStatus> listener) {
    listeners.add(listener);
  }

  @Override
  public void removeListener(Consumer<PluginStatus> listener) {
    listeners.remove(listener);
  }

  @Override
  public ApiVersion apiVersion() {
    return config.apiVersion();
  }

  @Override
  public PluginManagerConfig config() {
    return config;
  }

  @Override
  public void close() {}
}
