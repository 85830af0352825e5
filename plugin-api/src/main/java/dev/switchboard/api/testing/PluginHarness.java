package dev.switchboard.api.testing;

import dev.switchboard.api.Extensions;
import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginConfig;
import dev.switchboard.api.PluginContext;
import dev.switchboard.api.Reconfigurable;
import dev.switchboard.api.Registration;
import dev.switchboard.api.runtime.CleanupReport;
import dev.switchboard.api.runtime.ExtensionOwners;
import dev.switchboard.api.runtime.ManagedContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a plugin without a host, for plugin authors' unit tests:
 *
 * <pre>{@code
 * try (PluginHarness h = PluginHarness.start(new RateLimitPlugin(), Map.of("qps", 5))) {
 *   RequestFilter f = h.extension(RequestFilter.class);
 *   ...
 *   PluginHarness.StopReport r = h.stop();
 *   assertThat(r.leakedThreads()).isEmpty();
 * }
 * }</pre>
 *
 * <p>{@code start} runs on the calling thread. The extensions are published on the JVM-wide
 * extension points (so {@code Extensions.point(T.class)} sees them) until {@link #stop}. The config
 * is not validated against a schema here (that needs the runtime).
 */
public final class PluginHarness implements AutoCloseable {
  private final Plugin plugin;
  private final ManagedContext context;
  private final Duration threadTimeout;
  private StopReport stopped;

  private PluginHarness(Plugin plugin, ManagedContext context, Duration threadTimeout) {
    this.plugin = plugin;
    this.context = context;
    this.threadTimeout = threadTimeout;
  }

  /** Starts {@code plugin} with id {@code test-plugin}, version {@code 0.0.0}. */
  public static PluginHarness start(Plugin plugin, Map<String, ?> config) throws Exception {
    return start(plugin, "test-plugin", "0.0.0", config);
  }

  /** Starts {@code plugin}; if start throws, everything it created is cleaned up and the exception rethrown. */
  public static PluginHarness start(Plugin plugin, String id, String version, Map<String, ?> config)
      throws Exception {
    Objects.requireNonNull(plugin, "plugin == null");
    Extensions.Owner owner = ExtensionOwners.create(id + "@" + version + " (harness)");
    ManagedContext ctx = new ManagedContext(id, version, PluginConfig.of(config), owner,
        plugin.getClass().getClassLoader(), Duration.ofSeconds(5));
    try {
      plugin.start(ctx);
    } catch (Exception | Error e) {
      ctx.close(Duration.ofSeconds(1), null);
      throw e;
    }
    ExtensionOwners.publish(owner, null);
    return new PluginHarness(plugin, ctx, Duration.ofSeconds(2));
  }

  public PluginContext context() {
    return context;
  }

  /** The extensions this plugin registered for {@code type}. */
  public <T> List<T> extensions(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Registration r : ExtensionOwners.registrations(context.owner())) {
      if (r.type() == type) {
        out.add(type.cast(r.extension()));
      }
    }
    return out;
  }

  /** The single extension registered for {@code type}. */
  public <T> T extension(Class<T> type) {
    List<T> all = extensions(type);
    if (all.size() != 1) {
      throw new IllegalStateException("expected exactly one " + type.getName() + " extension, found " + all.size());
    }
    return all.get(0);
  }

  /**
   * Delivers a new config like the runtime would: {@link Reconfigurable#reconfigure} if the plugin
   * supports it (a throw leaves the old config), else stop and start again.
   */
  public void reconfigure(Map<String, ?> config) throws Exception {
    PluginConfig next = PluginConfig.of(config);
    if (!(plugin instanceof Reconfigurable)) {
      throw new UnsupportedOperationException(plugin.getClass().getName() + " is not Reconfigurable");
    }
    ((Reconfigurable) plugin).reconfigure(next);
    context.config(next);
  }

  /** What {@link #stop} found. */
  public record StopReport(List<String> leakedThreads, List<String> problems, Throwable stopFailure) {
    public boolean clean() {
      return leakedThreads.isEmpty() && problems.isEmpty() && stopFailure == null;
    }
  }

  /**
   * Unregisters the extensions, calls {@link Plugin#stop}, shuts down what the context owns and
   * reports threads of the plugin left alive: those made by the context's factory and, when the
   * plugin class comes from a loader other than the harness's own (e.g. a test loading the plugin jar
   * in its own loader), any thread whose class or context class loader is that loader. Idempotent.
   */
  public synchronized StopReport stop() throws InterruptedException {
    if (stopped != null) {
      return stopped;
    }
    ExtensionOwners.unregisterAll(context.owner());
    ExtensionOwners.awaitDrained(context.owner(), Duration.ofSeconds(5));
    Throwable failure = null;
    try {
      plugin.stop();
    } catch (Exception | Error e) {
      failure = e;
    }
    ClassLoader own = plugin.getClass().getClassLoader();
    CleanupReport r = context.close(threadTimeout, own == PluginHarness.class.getClassLoader() ? null
        : t -> t.getContextClassLoader() == own || t.getClass().getClassLoader() == own);
    stopped = new StopReport(r.leakedThreads(), r.problems(), failure);
    return stopped;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
