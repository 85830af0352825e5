package dev.switchboard.runtime.plugin;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs plugin code ({@code start}, {@code stop}, {@code reconfigure}) on a fresh daemon thread of
 * the runtime (started ahead of the call, used for this call only) with the plugin's loader as
 * context class loader, bounded by a timeout. A call that
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
    long deadline = System.nanoTime() + timeout.toNanos();
    CountDownLatch done = new CountDownLatch(1);
    String[] failure = new String[1];
    Runnable body = () -> {
      Thread self = Thread.currentThread();
      self.setName(threadName);
      self.setContextClassLoader(contextLoader);
      try {
        call.call();
      } catch (Throwable e) {
        failure[0] = describe(e);
      } finally {
        done.countDown();
      }
    };
    Thread t = Spare.take(body);
    if (t == null) {
      t = new Thread(body, threadName);
      t.setDaemon(true);
      t.setContextClassLoader(contextLoader);
      t.start();
    }
    Spare.refill(); // the next call's thread, started while this call runs
    try {
      if (!done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
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

  /** Ends the thread kept ready for the next call (when the plugin manager closes). */
  static void releaseSpare() {
    Spare.release();
  }

  /**
   * One thread started ahead of the call it will run, so a call does not wait for {@link Thread#start} (measured
   * 1.3–1.6 ms at p50 on a loaded 2-core host: the starting thread waits for the new one to initialise). Each
   * thread still runs exactly one call and then ends, as a fresh thread would: no thread-local state of one plugin
   * can reach another call, and a timed-out call abandons only its own thread. An unused spare ends by itself after
   * {@link #IDLE_MILLIS}, so nothing stays parked in a host that no longer changes plugins.
   */
  private static final class Spare {
    static final long IDLE_MILLIS = 30_000;
    private static final java.util.concurrent.atomic.AtomicReference<Spare> SLOT = new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.SynchronousQueue<Runnable> handoff = new java.util.concurrent.SynchronousQueue<>();
    private final Thread thread;

    private Spare() {
      thread = new Thread(this::await, "switchboard-plugin-call-spare");
      thread.setDaemon(true);
      thread.setContextClassLoader(null);
    }

    private void await() {
      Runnable r;
      try {
        r = handoff.poll(IDLE_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        r = null;
      }
      SLOT.compareAndSet(this, null);
      if (r != null) r.run();
    }

    /** Hands {@code body} to the waiting spare; its thread, or null when none was waiting (start a fresh one). */
    static Thread take(Runnable body) {
      Spare s = SLOT.getAndSet(null);
      if (s == null) return null;
      if (s.handoff.offer(body)) return s.thread;
      // not waiting (yet, or any more): keep it for the next call if it may still come, else let it go
      if (s.thread.isAlive()) SLOT.compareAndSet(null, s);
      return null;
    }

    /** Ends the waiting spare now (the runtime is closing: nothing may keep its loader reachable). */
    static void release() {
      Spare s = SLOT.getAndSet(null);
      if (s != null) s.thread.interrupt();
    }

    /** Starts a spare when none is there. */
    static void refill() {
      if (SLOT.get() != null) return;
      Spare s = new Spare();
      if (SLOT.compareAndSet(null, s)) s.thread.start();
    }
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
