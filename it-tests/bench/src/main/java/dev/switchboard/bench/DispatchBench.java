package dev.switchboard.bench;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.Extensions;
import dev.switchboard.api.runtime.ExtensionOwners;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * BENCHMARKS.md item 4: a direct interface call versus {@link ExtensionPoint#forEach(BiConsumer, Object)}
 * with 0, 1 and 5 registered extensions, and while another thread swaps the registrations (a new
 * {@link Extensions.Owner} replaces the previous one every millisecond, like an upgrade).
 * Registrations go through the same runtime-side API the plugin runtime and {@code PluginHarness}
 * use ({@code Extensions.Owner#register} + {@code publish}).
 *
 * <p>Under load the wall-clock scores mostly measure the machine (a 2-core VM shared by several
 * builds); add {@code -prof perfnorm:events=task-clock} for the CPU time per call, which excludes
 * the time the benchmark thread was waiting for a core. {@link DispatchSchemesBench} compares the
 * in-flight schemes themselves.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchBench {

  /** The host-defined extension interface. */
  public interface Handler {
    int handle(int x);
  }

  static final class AddOne implements Handler {
    private final int k;

    AddOne(int k) {
      this.k = k;
    }

    @Override
    public int handle(int x) {
      return x + k;
    }
  }

  /** Per-thread accumulator: the two-argument forEach avoids a capturing lambda. */
  @State(Scope.Thread)
  public static class Acc {
    int v = 17;
    int sum;
  }

  static final BiConsumer<Handler, Acc> ACTION = (h, a) -> a.sum += h.handle(a.v);
  static final ExtensionPoint<Handler> POINT = Extensions.point(Handler.class);

  @Param({"0", "1", "5"})
  public int extensions;

  private Handler[] direct;
  private java.util.concurrent.atomic.LongAdder[] counters;
  private Extensions.Owner owner;
  private Thread swapper;
  private volatile boolean swapping;
  final AtomicLong swaps = new AtomicLong();

  @Setup(Level.Trial)
  public void setUp() {
    direct = new Handler[extensions];
    counters = new java.util.concurrent.atomic.LongAdder[extensions];
    for (int i = 0; i < extensions; i++) {
      direct[i] = new AddOne(i + 1);
      counters[i] = new java.util.concurrent.atomic.LongAdder();
    }
    owner = newOwner(0);
    ExtensionOwners.publish(owner, null);
    if (POINT.size() != extensions) {
      throw new IllegalStateException("extension point has " + POINT.size() + " extensions, expected " + extensions);
    }
  }

  private Extensions.Owner newOwner(long generation) {
    Extensions.Owner o = ExtensionOwners.create("bench-plugin@" + generation);
    for (int i = 0; i < extensions; i++) {
      ExtensionOwners.register(o, Handler.class, new AddOne(i + 1));
    }
    return o;
  }

  /** Starts the swapping thread for the *DuringSwaps benchmark only (see {@link Swaps}). */
  void startSwapping() {
    swapping = true;
    swapper = new Thread(() -> {
      Extensions.Owner current = owner;
      long gen = 0;
      while (swapping) {
        Extensions.Owner next = newOwner(++gen);
        ExtensionOwners.publish(next, current);
        try {
          if (!ExtensionOwners.awaitDrained(current, Duration.ofSeconds(5))) {
            throw new IllegalStateException("owner did not drain within 5 s: " + current);
          }
          current = next;
          swaps.incrementAndGet();
          TimeUnit.MILLISECONDS.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      owner = current;
    }, "bench-swapper");
    swapper.setDaemon(true);
    swapper.start();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    if (swapper != null) {
      swapping = false;
      swapper.join(10_000);
      System.out.println("\n[swaps during this trial: " + swaps.get() + "]");
    }
    ExtensionOwners.unregisterAll(owner);
  }

  /** Marker state: its presence starts the swapper for the benchmark that declares it. */
  @State(Scope.Benchmark)
  public static class Swaps {
    @Setup(Level.Trial)
    public void start(DispatchBench b) {
      b.startSwapping();
    }
  }

  @Benchmark
  public int direct(Acc a) {
    Handler[] hs = direct;
    for (Handler h : hs) {
      a.sum += h.handle(a.v);
    }
    return a.sum;
  }

  /**
   * Reference: the direct calls plus one in-flight increment and decrement ({@link
   * java.util.concurrent.atomic.LongAdder}) per extension, the extension point's scheme before
   * 2026-11-25 19:00 UTC (now used only by virtual threads); today's scheme announces one number per
   * call in a per-thread record (see {@code DispatchSchemesBench#threadRecordVersionNoLookup}).
   */
  @Benchmark
  public int directWithInFlightCounting(Acc a) {
    Handler[] hs = direct;
    java.util.concurrent.atomic.LongAdder[] c = counters;
    for (java.util.concurrent.atomic.LongAdder x : c) {
      x.increment();
    }
    try {
      for (Handler h : hs) {
        a.sum += h.handle(a.v);
      }
    } finally {
      for (java.util.concurrent.atomic.LongAdder x : c) {
        x.decrement();
      }
    }
    return a.sum;
  }

  @Benchmark
  public int extensionPoint(Acc a) {
    POINT.forEach(ACTION, a);
    return a.sum;
  }

  @Benchmark
  public int extensionPointDuringSwaps(Acc a, Swaps s) {
    POINT.forEach(ACTION, a);
    return a.sum;
  }
}
