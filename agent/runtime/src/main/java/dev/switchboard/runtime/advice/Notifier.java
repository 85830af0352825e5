package dev.switchboard.runtime.advice;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Moves what advice handlers report off the host's threads: status changes (at most one per plugin per 200 ms)
 * and log lines go through one runtime daemon thread.
 */
final class Notifier implements AutoCloseable {
  private static final System.Logger LOG = dev.switchboard.control.server.Logs.get("switchboard.runtime.advice");

  private final Consumer<String> changed;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService thread;

  Notifier(Consumer<String> changed) {
    this.changed = changed;
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "switchboard-advice-notifier");
      t.setDaemon(true);
      t.setContextClassLoader(Notifier.class.getClassLoader()); // never the loader of the (host or plugin) thread that failed
      return t;
    });
    s.prestartCoreThread(); // created now, on a runtime thread, not later on a host thread
    s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.thread = s;
  }

  void changed(String pluginId) {
    if (!pending.add(pluginId)) return;
    try {
      thread.schedule(() -> {
        pending.remove(pluginId);
        try {
          changed.accept(pluginId);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "advice status listener failed", e);
        }
      }, 200, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pending.remove(pluginId); // closed
    }
  }

  void log(System.Logger.Level level, String line) {
    try {
      thread.execute(() -> LOG.log(level, line));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: the line is dropped with the runtime
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
