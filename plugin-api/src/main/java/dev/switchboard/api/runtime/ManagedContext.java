package dev.switchboard.api.runtime;

import dev.switchboard.api.Extensions;
import dev.switchboard.api.PluginConfig;
import dev.switchboard.api.PluginContext;
import dev.switchboard.api.PluginException;
import dev.switchboard.api.Registration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The {@link PluginContext} implementation: tracks threads, executors, closeables and extension
 * registrations of one plugin instance and cleans all of them up in {@link #close}.
 */
public final class ManagedContext implements PluginContext {
  private final String pluginId;
  private final String version;
  private final Extensions.Owner owner;
  private final Duration stopTimeout;
  private final System.Logger logger;
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final List<ExecutorService> executors = new ArrayList<>(); // guarded by this
  private final List<AutoCloseable> resources = new ArrayList<>(); // guarded by this
  private final AtomicInteger threadNumber = new AtomicInteger();
  private final ThreadFactory threadFactory;
  private volatile PluginConfig config;
  private volatile ClassLoader contextLoader;
  private volatile AdviceSink adviceSink;
  private boolean closed; // guarded by this

  /**
   * @param contextLoader context class loader of threads made by {@link #threadFactory()} (the
   *     plugin's loader)
   */
  public ManagedContext(String pluginId, String version, PluginConfig config, Extensions.Owner owner,
      ClassLoader contextLoader, Duration stopTimeout) {
    this(pluginId, version, config, owner, contextLoader, stopTimeout, System.getLogger("switchboard.plugin." + pluginId));
  }

  /** @param logger what {@link #logger()} returns (the runtime's, writing through the host's logging framework) */
  public ManagedContext(String pluginId, String version, PluginConfig config, Extensions.Owner owner,
      ClassLoader contextLoader, Duration stopTimeout, System.Logger logger) {
    this.pluginId = Objects.requireNonNull(pluginId, "pluginId == null");
    this.version = Objects.requireNonNull(version, "version == null");
    this.config = Objects.requireNonNull(config, "config == null");
    this.owner = Objects.requireNonNull(owner, "owner == null");
    this.contextLoader = contextLoader;
    this.stopTimeout = Objects.requireNonNull(stopTimeout, "stopTimeout == null");
    this.logger = Objects.requireNonNull(logger, "logger == null");
    this.threadFactory = this::newThread;
  }

  @Override
  public String pluginId() {
    return pluginId;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public PluginConfig config() {
    return config;
  }

  /** Replaces the config (after a successful reconfigure). */
  public void config(PluginConfig newConfig) {
    this.config = Objects.requireNonNull(newConfig, "newConfig == null");
  }

  @Override
  public System.Logger logger() {
    return logger;
  }

  @Override
  public ThreadFactory threadFactory() {
    return threadFactory;
  }

  private Thread newThread(Runnable task) {
    Objects.requireNonNull(task, "task == null");
    synchronized (this) {
      if (closed) {
        throw new PluginException(PluginException.Code.CLOSED, "context of " + pluginId + " is closed");
      }
    }
    Thread t = new Thread(() -> {
      try {
        task.run();
      } finally {
        threads.remove(Thread.currentThread());
      }
    }, "plugin-" + pluginId + "-" + threadNumber.incrementAndGet());
    t.setDaemon(true);
    t.setContextClassLoader(contextLoader);
    threads.add(t);
    return t;
  }

  @Override
  public ExecutorService newExecutor(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads < 1: " + threads);
    }
    return track(Executors.newFixedThreadPool(threads, threadFactory));
  }

  @Override
  public ScheduledExecutorService newScheduler(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads < 1: " + threads);
    }
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(threads, threadFactory);
    s.setRemoveOnCancelPolicy(true);
    s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return track(s);
  }

  private <E extends ExecutorService> E track(E executor) {
    synchronized (this) {
      if (!closed) {
        executors.add(executor);
        return executor;
      }
    }
    executor.shutdownNow();
    throw new PluginException(PluginException.Code.CLOSED, "context of " + pluginId + " is closed");
  }

  @Override
  public <R extends AutoCloseable> R closeOnStop(R resource) {
    Objects.requireNonNull(resource, "resource == null");
    synchronized (this) {
      if (!closed) {
        resources.add(resource);
        return resource;
      }
    }
    throw new PluginException(PluginException.Code.CLOSED, "context of " + pluginId + " is closed");
  }

  @Override
  public <T> Registration register(Class<T> type, T extension) {
    return ExtensionOwners.register(owner, type, extension);
  }

  /** Where {@link #advise} goes (the runtime's weaver); without one, advice is refused. */
  public void adviceSink(AdviceSink sink) {
    this.adviceSink = sink;
  }

  @Override
  public Registration advise(dev.switchboard.api.MethodAdvice advice) {
    Objects.requireNonNull(advice, "advice == null");
    AdviceSink sink = adviceSink;
    synchronized (this) {
      if (closed) {
        throw new PluginException(PluginException.Code.CLOSED, "context of " + pluginId + " is closed");
      }
    }
    if (sink == null) {
      throw new PluginException(PluginException.Code.ADVICE_REFUSED, "method advice is not available here (the runtime "
          + "has no instrumentation, or this is a test harness): " + advice.target());
    }
    return sink.advise(advice);
  }

  @Override
  public Duration stopTimeout() {
    return stopTimeout;
  }

  public Extensions.Owner owner() {
    return owner;
  }

  /** Live threads made by {@link #threadFactory()}. */
  public List<Thread> liveThreads() {
    List<Thread> out = new ArrayList<>();
    for (Thread t : threads) {
      if (t.isAlive()) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * Cleans up after stop (or a failed start): unregisters every extension, shuts down executors,
   * closes resources in reverse order, then interrupts and reports plugin threads still alive —
   * those made by the thread factory and any live thread matching {@code alsoPluginThread} (for
   * example threads whose context class loader is the plugin's). Each wait is bounded by {@code
   * threadTimeout}. Idempotent: a second call reports nothing new.
   */
  public CleanupReport close(Duration threadTimeout, Predicate<Thread> alsoPluginThread) {
    List<ExecutorService> toShutDown;
    List<AutoCloseable> toClose;
    synchronized (this) {
      closed = true;
      toShutDown = new ArrayList<>(executors);
      toClose = new ArrayList<>(resources);
      executors.clear();
      resources.clear();
    }
    ExtensionOwners.unregisterAll(owner);
    List<String> problems = new ArrayList<>();
    long deadline = System.nanoTime() + threadTimeout.toNanos();
    for (ExecutorService e : toShutDown) {
      e.shutdownNow();
    }
    for (ExecutorService e : toShutDown) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!e.awaitTermination(left, TimeUnit.NANOSECONDS)) {
          problems.add("executor did not terminate within " + threadTimeout.toMillis() + " ms");
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        problems.add("interrupted while waiting for executors");
        break;
      }
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      AutoCloseable r = toClose.get(i);
      try {
        r.close();
      } catch (Exception | LinkageError ex) {
        problems.add("closing " + r.getClass().getName() + " failed: " + ex);
        logger.log(System.Logger.Level.WARNING, "closing " + r.getClass().getName() + " failed", ex);
      }
    }
    Set<Thread> left = new LinkedHashSet<>(liveThreads());
    if (alsoPluginThread != null) {
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t != Thread.currentThread() && t.isAlive() && alsoPluginThread.test(t)) {
          left.add(t);
        }
      }
    }
    // Pool threads of executors that just terminated may still be finishing their exit: short grace.
    long graceEnd = System.nanoTime() + Math.min(threadTimeout.toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(250));
    for (Thread t : left) {
      long ms = TimeUnit.NANOSECONDS.toMillis(graceEnd - System.nanoTime());
      if (ms <= 0) {
        break;
      }
      try {
        t.join(ms);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    left.removeIf(t -> !t.isAlive());
    List<String> leaked = new ArrayList<>();
    if (!left.isEmpty()) {
      for (Thread t : left) {
        t.interrupt();
      }
      long end = System.nanoTime() + threadTimeout.toNanos();
      for (Thread t : left) {
        try {
          long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()));
          t.join(ms);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      for (Thread t : left) {
        leaked.add(t.isAlive() ? t.getName() + " (still running)" : t.getName());
      }
      logger.log(System.Logger.Level.WARNING, "plugin " + pluginId + " left threads running after stop: " + leaked);
    }
    threads.clear();
    contextLoader = null;
    adviceSink = null;
    return new CleanupReport(leaked, problems);
  }

  public synchronized boolean isClosed() {
    return closed;
  }
}
