package dev.switchboard.api;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * What the runtime gives a plugin: it owns everything the plugin starts through it. After {@link
 * Plugin#stop} (or a failed {@link Plugin#start}) the runtime unregisters every extension, shuts
 * down every executor, closes every registered resource (in reverse order) and interrupts and
 * reports threads of the plugin that are still alive.
 */
public interface PluginContext {
  /** The plugin id from {@code plugin.json}. */
  String pluginId();

  /** The plugin version from {@code plugin.json}. */
  String version();

  /** The config, validated against the descriptor's {@code configSchema}. */
  PluginConfig config();

  /** A logger named {@code switchboard.plugin.<id>}. */
  System.Logger logger();

  /**
   * Creates daemon threads named {@code plugin-<id>-<n>}, tracked by the runtime, with the plugin's
   * class loader as context class loader.
   */
  ThreadFactory threadFactory();

  /** A fixed-size executor on {@link #threadFactory()} threads, shut down by the runtime. */
  ExecutorService newExecutor(int threads);

  /** A scheduler on {@link #threadFactory()} threads, shut down by the runtime. */
  ScheduledExecutorService newScheduler(int threads);

  /** Registers {@code resource} to be closed after stop (reverse registration order); returns it. */
  <R extends AutoCloseable> R closeOnStop(R resource);

  /**
   * Registers {@code extension} on the host's extension point {@code type}. During {@link
   * Plugin#start} the registration is staged and published when start returns; afterwards it is
   * published at once.
   */
  <T> Registration register(Class<T> type, T extension);

  /**
   * Weaves {@code advice} into the host's methods it names (classes loaded later are woven when they load).
   * During {@link Plugin#start} the advice is staged and goes live when start returns (an upgrade replaces the
   * previous version's advice method by method in one swap); afterwards it goes live at once. Removed, with the
   * original bytecode restored, when the plugin stops or the registration is closed.
   *
   * @throws PluginException {@code ADVICE_REFUSED} when the runtime cannot weave (no instrumentation) or the
   *     host refuses the target (JDK and Switchboard classes by default), {@code BAD_ADVICE} when the target
   *     class is loaded and has no such method
   */
  default Registration advise(MethodAdvice advice) {
    throw new PluginException(PluginException.Code.ADVICE_REFUSED, "this context cannot weave method advice ("
        + getClass().getName() + ")");
  }

  /** How long the runtime waits for {@link Plugin#stop}; long work in stop should respect it. */
  Duration stopTimeout();
}
