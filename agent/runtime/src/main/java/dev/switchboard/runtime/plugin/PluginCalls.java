package dev.switchboard.runtime.plugin;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs plugin code ({@code start}, {@code stop}, {@code reconfigure}) on a fresh daemon thread of
 * the runtime with the plugin's loader as context class loader, bounded by a timeout. A call that
 * times out is interrupted and abandoned. Failures come back as text only: a Throwable of the
 * plugin would pin its class loader.
 */
final class PluginCalls {
  private PluginCalls() {}

  /** Outcome of a call: {@code failure} is null on success. */
  record Outcome(String failure, boolean timedOut) {
    boolean ok() {
      return failure == null;
    }
  }

  static Outcome run(String threadName, ClassLoader contextLoader, Duration timeout, Callable<?> call) {
    CountDownLatch done = new CountDownLatch(1);
    String[] failure = new String[1];
    Thread t = new Thread(() -> {
      try {
        call.call();
      } catch (Throwable e) {
        failure[0] = describe(e);
      } finally {
        done.countDown();
      }
    }, threadName);
    t.setDaemon(true);
    t.setContextClassLoader(contextLoader);
    t.start();
    try {
      if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        t.interrupt();
        return new Outcome("timed out after " + human(timeout) + " (thread " + threadName + " interrupted and abandoned)", true);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      t.interrupt();
      return new Outcome("interrupted while waiting for the plugin", true);
    }
    t.setContextClassLoader(null);
    return new Outcome(failure[0], false);
  }

  /** {@code ExceptionClass: message} with up to two causes. */
  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(e.toString());
    Throwable c = e.getCause();
    for (int i = 0; c != null && c != e && i < 2; i++, c = c.getCause()) {
      sb.append(" (caused by ").append(c).append(')');
    }
    StackTraceElement[] st = e.getStackTrace();
    if (st.length > 0) {
      sb.append(" at ").append(st[0]);
    }
    return sb.toString();
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
