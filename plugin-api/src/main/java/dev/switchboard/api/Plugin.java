package dev.switchboard.api;

/**
 * A plugin's entry class (named by {@code entry} in {@code plugin.json}); needs a public no-arg
 * constructor. The runtime calls {@link #start} and {@link #stop} on a dedicated thread of its own,
 * with the plugin's class loader as context class loader, and abandons either after a timeout.
 *
 * <p>Everything created through the {@link PluginContext} (threads, executors, closeables,
 * extension registrations) is cleaned up by the runtime after {@link #stop}, also when {@link
 * #start} fails.
 */
public interface Plugin {
  /**
   * Starts the plugin. Extensions registered here become visible to the host only after this
   * returns normally (and, in an upgrade, replace the previous version's in one atomic swap).
   *
   * @throws Exception to refuse to start; the activation fails and is rolled back
   */
  void start(PluginContext context) throws Exception;

  /**
   * Stops the plugin. Its extensions have already been unregistered and in-flight calls drained.
   */
  default void stop() throws Exception {}
}
