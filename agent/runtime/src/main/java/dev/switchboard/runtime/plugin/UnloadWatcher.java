package dev.switchboard.runtime.plugin;

import static dev.switchboard.control.UnloadOutcome.COLLECTED;
import static dev.switchboard.control.UnloadOutcome.LEAKED;
import static dev.switchboard.control.UnloadOutcome.PENDING;

import dev.switchboard.control.UnloadOutcome;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Proves that unloaded plugin class loaders are garbage collected, without stopping the host on
 * the deactivation path.
 *
 * <p>Each watched loader is held only weakly and its reference is registered with a queue, so the
 * collector's own (natural) collections report it: {@code collected} as soon as any collection
 * cleared it. Nothing is forced at deactivation. Only a loader still pending after a quiet period
 * ({@code gcDelay}) gets an explicit {@link System#gc()}, repeated while it stays pending, and one
 * more once its deadline ({@code collectTimeout}) has passed to decide {@code leaked}; explicit
 * collections of this watcher are at least {@code gcInterval} (and 50 ms) apart, and each one
 * covers every pending loader. With {@code gcDelay}
 * null the watcher never forces a collection: loaders are found by natural collections, and a loader
 * past its deadline stays {@code pending} until {@link #check()} (an explicit, on-demand check)
 * runs a collection and names it {@code leaked}.
 */
final class UnloadWatcher implements AutoCloseable {

  private static final System.Logger LOG = dev.switchboard.control.server.Logs.get("switchboard.runtime.unload");
  /** Longest sleep of the watcher thread while something is pending (deadlines are checked then). */
  private static final long MAX_SLEEP_MS = 1_000;
  /** Least time between two explicit collections for loaders that stay pending (when the interval is shorter). */
  private static final long MIN_REPEAT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
  private final List<Watch> watches = new ArrayList<>(); // guarded by this
  private final Duration gcDelay; // null: never force a collection
  private final long gcIntervalNanos;
  private final Runnable gc;
  private final Thread thread;
  private final AtomicLong explicitGcs = new AtomicLong();
  private final AtomicLong explicitGcNanos = new AtomicLong();
  private final AtomicLong collectedCount = new AtomicLong();
  private final AtomicLong leakedCount = new AtomicLong();
  private final Object gcLock = new Object();
  private long lastGcEnd; // guarded by gcLock; System.nanoTime() of the end of the last explicit collection
  private boolean anyGc; // guarded by gcLock
  private volatile boolean closed;

  private static final class Watch extends WeakReference<Object> {
    final String label;
    final long since;
    final long deadline;
    final CompletableFuture<UnloadOutcome> outcome = new CompletableFuture<>();
    boolean nudged; // guarded by the watcher: an explicit collection ran since the watch began
    boolean judged; // guarded by the watcher: an explicit collection ran after the deadline

    Watch(ClassLoader loader, ReferenceQueue<Object> q, String label, long since, long deadline) {
      super(loader, q);
      this.label = label;
      this.since = since;
      this.deadline = deadline;
    }
  }

  /** Counts of one {@link #check()}. */
  record CheckResult(int collected, int leaked, int pending, long gcMillis) {}

  /**
   * @param gcDelay quiet period before a still-pending loader gets an explicit collection; null: never
   * @param gcInterval least time between two explicit collections of this watcher
   * @param gc the explicit collection ({@code System::gc} in production)
   */
  UnloadWatcher(Duration gcDelay, Duration gcInterval, Runnable gc) {
    this.gcDelay = gcDelay;
    this.gcIntervalNanos = gcInterval.toNanos();
    this.gc = gc;
    thread = new Thread(this::loop, "switchboard-unload-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  /** Watches {@code loader}; the caller must drop every strong reference to it afterwards. */
  CompletableFuture<UnloadOutcome> watch(ClassLoader loader, String label, Duration timeout) {
    long now = System.nanoTime();
    Watch w = new Watch(loader, queue, label, now, now + timeout.toNanos());
    synchronized (this) {
      if (closed) {
        w.outcome.complete(PENDING);
        return w.outcome;
      }
      watches.add(w);
      notifyAll();
    }
    wake(); // the thread may sleep in the queue: let it plan this watch's nudge
    return w.outcome;
  }

  /** Loaders still pending. */
  synchronized int pending() {
    return watches.size();
  }

  long explicitGcs() {
    return explicitGcs.get();
  }

  /** Loaders proven collected since this watcher started (every unload, also of replaced versions). */
  long collectedCount() {
    return collectedCount.get();
  }

  long leakedCount() {
    return leakedCount.get();
  }

  long explicitGcMillis() {
    return TimeUnit.NANOSECONDS.toMillis(explicitGcNanos.get());
  }

  /**
   * On-demand check (operators, tests): one explicit collection now, whatever the policy, then
   * every pending loader that was cleared is {@code collected}, every one past its deadline and
   * still reachable is {@code leaked}; the rest stay {@code pending}. Blocks the caller for the
   * collection.
   */
  CheckResult check() {
    List<Watch> covered;
    synchronized (this) {
      covered = new ArrayList<>(watches);
    }
    long gcNanos = runGc(covered);
    sweep(System.nanoTime());
    // outcomes of the watches this check covered (the watcher thread may have completed some of them)
    int collected = 0;
    int leaked = 0;
    int pending = 0;
    long now = System.nanoTime();
    for (Watch w : covered) {
      if (w.refersTo(null)) collected++;
      else if (w.judged && now - w.deadline >= 0) leaked++;
      else pending++;
    }
    return new CheckResult(collected, leaked, pending, TimeUnit.NANOSECONDS.toMillis(gcNanos));
  }

  private void loop() {
    while (!closed) {
      try {
        synchronized (this) {
          while (watches.isEmpty() && !closed) {
            wait();
          }
        }
        if (closed) {
          break;
        }
        long now = System.nanoTime();
        maybeGc(now);
        sweep(System.nanoTime());
        long sleep = sleepMillis(System.nanoTime());
        if (sleep > 0 && queue.remove(sleep) != null) {
          while (queue.poll() != null) {
            // drained; each watch's state is read through refersTo
          }
        }
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "unload watcher failed a round", e);
      }
    }
    List<Watch> rest;
    synchronized (this) {
      rest = new ArrayList<>(watches);
      watches.clear();
    }
    rest.forEach(w -> w.outcome.complete(w.refersTo(null) ? COLLECTED : PENDING));
  }

  /**
   * One explicit collection when a pending loader is due for one: its quiet period just ended, its
   * deadline passed, or it is still pending one interval (at least {@link #MIN_REPEAT_NANOS}) after
   * the previous explicit collection. Never two within {@code gcInterval}.
   */
  private void maybeGc(long now) {
    if (gcDelay == null) {
      return;
    }
    long sinceLast;
    synchronized (gcLock) {
      sinceLast = anyGc ? now - lastGcEnd : Long.MAX_VALUE;
    }
    if (sinceLast < gcIntervalNanos) {
      return; // rate limit
    }
    boolean repeat = sinceLast >= Math.max(gcIntervalNanos, MIN_REPEAT_NANOS);
    List<Watch> due = null;
    synchronized (this) {
      for (Watch w : watches) {
        if (w.refersTo(null)) {
          continue;
        }
        if (!w.nudged && now - (w.since + gcDelay.toNanos()) >= 0 || !w.judged && now - w.deadline >= 0
            || w.nudged && repeat) {
          due = new ArrayList<>(watches);
          break;
        }
      }
    }
    if (due != null) {
      runGc(due);
    }
  }

  /** Runs one explicit collection; marks every watch in {@code covered} as nudged (and judged if past its deadline). */
  private long runGc(List<Watch> covered) {
    synchronized (gcLock) {
      long start = System.nanoTime();
      gc.run();
      long end = System.nanoTime();
      lastGcEnd = end;
      anyGc = true;
      explicitGcs.incrementAndGet();
      explicitGcNanos.addAndGet(end - start);
      synchronized (this) {
        for (Watch w : covered) {
          w.nudged = true;
          if (start - w.deadline >= 0) {
            w.judged = true;
          }
        }
      }
      return end - start;
    }
  }

  /** Completes cleared watches (collected) and judged ones (leaked). */
  private void sweep(long now) {
    List<Watch> done = new ArrayList<>();
    synchronized (this) {
      watches.removeIf(w -> {
        if (w.refersTo(null) || w.judged && now - w.deadline >= 0) {
          done.add(w);
          return true;
        }
        return false;
      });
    }
    for (Watch w : done) {
      boolean c = w.refersTo(null);
      if (c) {
        collectedCount.incrementAndGet();
      } else {
        leakedCount.incrementAndGet();
        LOG.log(System.Logger.Level.WARNING, "class loader of " + w.label + " was not collected: leaked");
      }
      w.outcome.complete(c ? COLLECTED : LEAKED);
    }
  }

  /** Time until the next nudge, repeat or deadline of a pending watch (bounded), at least 1 ms. */
  private long sleepMillis(long now) {
    long max = TimeUnit.MILLISECONDS.toNanos(MAX_SLEEP_MS);
    long next = max;
    if (gcDelay != null) {
      long nextAllowed;
      long nextRepeat;
      synchronized (gcLock) {
        nextAllowed = anyGc ? lastGcEnd + gcIntervalNanos - now : 0;
        nextRepeat = anyGc ? lastGcEnd + Math.max(gcIntervalNanos, MIN_REPEAT_NANOS) - now : 0;
      }
      synchronized (this) {
        for (Watch w : watches) {
          next = Math.min(next, w.nudged ? nextRepeat : w.since + gcDelay.toNanos() - now);
          if (!w.judged) {
            next = Math.min(next, w.deadline - now);
          }
        }
      }
      next = Math.max(next, nextAllowed); // due but rate-limited: wait for the interval
    }
    return Math.max(1, Math.min(max, next) / 1_000_000);
  }

  /** Wakes the watcher thread out of its queue wait (a new watch is due at once). */
  private void wake() {
    new WeakReference<Object>(new Object(), queue).enqueue();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
