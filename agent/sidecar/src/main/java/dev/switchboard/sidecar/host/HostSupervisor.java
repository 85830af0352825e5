package dev.switchboard.sidecar.host;

import dev.switchboard.control.ControlException;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.store.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the sidecar attached to its host JVM: locate, connect (re-adopting a running runtime or
 * injecting one), hold the connection until it closes or the process exits, then start over, so
 * a host restarted with a new pid is found and attached again with no operator action.
 */
public final class HostSupervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostSupervisor.class);

  /** Called from the supervisor thread, no lock held. */
  public interface Listener {
    void attached(RuntimeConnection connection);

    void detached(RuntimeConnection connection, Throwable cause);

    /** The host could not be found or attached; the supervisor retries. */
    default void problem(String reason) {}
  }

  private enum Lifecycle { NEW, RUNNING, CLOSED }

  private final HostLocator locator;
  private final LongFunction<RuntimeConnection> connector;
  private final Listener listener;
  private final Duration minDelay;
  private final Duration maxDelay;
  private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.NEW);
  private final Thread thread;
  private volatile RuntimeConnection current;
  private volatile String lastProblem;

  public HostSupervisor(HostLocator locator, LongFunction<RuntimeConnection> connector, Listener listener, Duration minDelay, Duration maxDelay) {
    this.locator = Objects.requireNonNull(locator, "locator == null");
    this.connector = Objects.requireNonNull(connector, "connector == null");
    this.listener = Objects.requireNonNull(listener, "listener == null");
    this.minDelay = minDelay;
    this.maxDelay = maxDelay;
    this.thread = new Thread(this::run, "switchboard-host-supervisor");
    thread.setDaemon(true);
  }

  public void start() {
    if (!lifecycle.compareAndSet(Lifecycle.NEW, Lifecycle.RUNNING)) throw new IllegalStateException("not NEW: " + lifecycle.get());
    thread.start();
  }

  public RuntimeConnection connection() {
    return current;
  }

  /** Why the host is not attached, or null. */
  public String lastProblem() {
    return lastProblem;
  }

  private void run() {
    long delay = minDelay.toMillis();
    while (lifecycle.get() == Lifecycle.RUNNING) {
      long pid;
      RuntimeConnection c;
      try {
        pid = locator.locate();
        long t0 = System.nanoTime();
        c = connector.apply(pid);
        LOG.info("attached to host pid {} ({}) in {} ms", pid, locator.describe(), (System.nanoTime() - t0) / 1_000_000);
      } catch (HostException | ControlException e) {
        problem(e.getMessage());
        sleep(delay);
        delay = new Backoff(minDelay, maxDelay).nextMillis(delay);
        continue;
      } catch (RuntimeException e) {
        LOG.error("unexpected failure attaching to the host", e);
        problem(e.toString());
        sleep(delay);
        delay = new Backoff(minDelay, maxDelay).nextMillis(delay);
        continue;
      }
      delay = minDelay.toMillis();
      lastProblem = null;
      CompletableFuture<Throwable> closed = new CompletableFuture<>();
      c.onClosed(closed::complete);
      current = c;
      safely(() -> listener.attached(c));
      Throwable cause = waitForEnd(c, pid, closed);
      current = null;
      safely(() -> listener.detached(c, cause));
      try {
        c.close();
      } catch (RuntimeException e) {
        LOG.debug("closing a dead connection: {}", e.toString());
      }
      if (lifecycle.get() == Lifecycle.RUNNING) LOG.warn("host pid {} detached: {}; looking for the host again", pid, cause == null ? "closed" : cause.toString());
    }
  }

  private Throwable waitForEnd(RuntimeConnection c, long pid, CompletableFuture<Throwable> closed) {
    while (lifecycle.get() == Lifecycle.RUNNING) {
      try {
        return closed.get(250, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        if (!c.isOpen()) return new IllegalStateException("connection closed");
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          return new IllegalStateException("host pid " + pid + " exited");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return e;
      } catch (java.util.concurrent.ExecutionException e) {
        return e.getCause();
      }
    }
    return null;
  }

  private void problem(String reason) {
    if (!Objects.equals(reason, lastProblem)) LOG.warn("host not attached: {}", reason);
    lastProblem = reason;
    safely(() -> listener.problem(reason));
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("host listener failed", e);
    }
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (lifecycle.getAndSet(Lifecycle.CLOSED) == Lifecycle.CLOSED) return;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RuntimeConnection c = current;
    if (c != null) c.close(); // leaves every plugin running (docs/reference.md §5)
  }
}
