package dev.switchboard.runtime.plugin;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Proves that unloaded plugin class loaders are garbage collected. Each watched loader is held
 * only weakly; a daemon thread nudges the collector ({@link System#gc()}, bounded: a few times per
 * second while something is pending) and completes the watch with {@code collected} once the
 * reference is cleared, or {@code leaked} when the deadline passes first.
 */
final class UnloadWatcher implements AutoCloseable {
  static final String COLLECTED = "collected";
  static final String LEAKED = "leaked";
  static final String PENDING = "pending";

  private static final System.Logger LOG = System.getLogger("switchboard.runtime.unload");

  private final ReferenceQueue<ClassLoader> queue = new ReferenceQueue<>();
  private final List<Watch> watches = new ArrayList<>(); // guarded by this
  private final Thread thread;
  private volatile boolean closed;

  private static final class Watch extends WeakReference<ClassLoader> {
    final String label;
    final long deadline;
    final CompletableFuture<String> outcome = new CompletableFuture<>();

    Watch(ClassLoader loader, ReferenceQueue<ClassLoader> q, String label, long deadline) {
      super(loader, q);
      this.label = label;
      this.deadline = deadline;
    }
  }

  UnloadWatcher() {
    thread = new Thread(this::loop, "switchboard-unload-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  /** Watches {@code loader}; the caller must drop every strong reference to it afterwards. */
  CompletableFuture<String> watch(ClassLoader loader, String label, Duration timeout) {
    Watch w = new Watch(loader, queue, label, System.nanoTime() + timeout.toNanos());
    synchronized (this) {
      if (closed) {
        w.outcome.complete(PENDING);
        return w.outcome;
      }
      watches.add(w);
      notifyAll();
    }
    return w.outcome;
  }

  private void loop() {
    int round = 0;
    while (!closed) {
      try {
        synchronized (this) {
          while (watches.isEmpty() && !closed) {
            wait();
            round = 0;
          }
        }
        // Escalating pause between collections: quick at first, then at most ~2 per second.
        System.gc();
        queue.remove(round < 5 ? 20 : round < 20 ? 100 : 500);
        round++;
        List<Watch> done = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (this) {
          for (Iterator<Watch> it = watches.iterator(); it.hasNext(); ) {
            Watch w = it.next();
            if (w.refersTo(null) || now - w.deadline >= 0) {
              it.remove();
              done.add(w);
            }
          }
        }
        while (queue.poll() != null) {
          // drained; state is read through refersTo
        }
        for (Watch w : done) {
          boolean collected = w.refersTo(null);
          if (!collected) {
            LOG.log(System.Logger.Level.WARNING, "class loader of " + w.label + " was not collected: leaked");
          }
          w.outcome.complete(collected ? COLLECTED : LEAKED);
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
