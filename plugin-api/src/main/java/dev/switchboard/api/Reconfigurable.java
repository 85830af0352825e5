package dev.switchboard.api;

/**
 * Implemented by a {@link Plugin} that accepts a new config while running. The config has already
 * been validated against the descriptor's {@code configSchema}. Plugins that do not implement it
 * are restarted (stop, start with the new config) instead.
 */
public interface Reconfigurable {
  /**
   * Applies {@code config}. Throwing rejects it: the plugin must then keep running with its
   * previous config; the runtime reports the rejection and keeps the plugin active.
   */
  void reconfigure(PluginConfig config) throws Exception;
}
