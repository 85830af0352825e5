package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Many versions swapped under concurrent calls: each call sees exactly one, none runs after its drain. */
class ExtensionPointSwapTest {
  private static final int MIN_CALLS_PER_SWAP = 1_500;

  interface Versioned { void call(long[] seen); }

  static final class Version implements Versioned2 {
    final long n;
    volatile boolean drained;
    final AtomicLong callsAfterDrain;

    Version(long n, AtomicLong callsAfterDrain) {
      this.n = n;
      this.callsAfterDrain = callsAfterDrain;
    }

    @Override
    public void call(long[] seen) {
      if (drained) {
        callsAfterDrain.incrementAndGet();
      }
      seen[0]++;
      seen[1] = n;
    }
  }

  interface Versioned2 extends Versioned { }

  @Test
  void everyCallSeesExactlyOneVersionAndNoneRunsAfterItsDrain() throws Exception {
    swapUnderLoad(Versioned.class, new String[] {"caller-0", "caller-1", "caller-2"});
  }

  /** Platform threads with records and counted threads (the virtual-thread path) on one point. */
  @Test
  void recordedAndCountedCallersTogetherSeeExactlyOneVersion() throws Exception {
    java.util.function.Predicate<Thread> previous = Callers.counted;
    Callers.counted = t -> t.getName().startsWith("counted-");
    try {
      swapUnderLoad(Versioned2.class, new String[] {"caller-0", "counted-1", "counted-2"});
    } finally {
      Callers.counted = previous;
    }
  }

  private static <V extends Versioned> void swapUnderLoad(Class<V> type, String[] threadNames) throws Exception {
    ExtensionPoint<V> point = Extensions.point(type);
    AtomicLong afterDrain = new AtomicLong();
    AtomicLong anomalies = new AtomicLong();
    AtomicLong calls = new AtomicLong();
    AtomicBoolean run = new AtomicBoolean(true);
    Extensions.Owner current = new Extensions.Owner("v0");
    Version v0 = new Version(0, afterDrain);
    current.register(type, type.cast(v0));
    current.publish(null);

    List<Thread> callers = new ArrayList<>();
    for (String name : threadNames) {
      Thread t = new Thread(() -> {
        long[] seen = new long[2];
        while (run.get()) {
          seen[0] = 0;
          point.forEach(V::call, seen);
          calls.incrementAndGet();
          if (seen[0] != 1) {
            anomalies.incrementAndGet();
          }
        }
      }, name);
      t.start();
      callers.add(t);
    }
    Version previous = v0;
    int swaps = 300;
    long waitedForCalls = 0;
    long drainTotal = 0;
    long drainMax = 0;
    for (int n = 1; n <= swaps; n++) {
      Extensions.Owner next = new Extensions.Owner("v" + n);
      Version v = new Version(n, afterDrain);
      next.register(type, type.cast(v));
      long before = calls.get();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (calls.get() - before < MIN_CALLS_PER_SWAP && System.nanoTime() - until < 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(100_000); // let calls run on the current version
      }
      long t0 = System.nanoTime();
      waitedForCalls += t0 - (until - TimeUnit.SECONDS.toNanos(1));
      next.publish(current);
      assertThat(current.awaitDrained(Duration.ofSeconds(10))).isTrue();
      long d = System.nanoTime() - t0;
      drainTotal += d;
      drainMax = Math.max(drainMax, d);
      previous.drained = true;
      current = next;
      previous = v;
    }
    run.set(false);
    for (Thread t : callers) {
      t.join(10_000);
    }
    current.unregisterAll();
    System.out.println("extension point swaps (" + String.join(",", threadNames) + "): " + swaps
        + " swaps under " + calls.get() + " concurrent calls; publish+drain mean " + drainTotal / swaps / 1000
        + " us, max " + drainMax / 1000 + " us; waiting for calls between swaps " + waitedForCalls / 1_000_000 + " ms in all");
    assertThat(calls.get()).as("calls during the swaps").isGreaterThan(swaps * 100L);
    assertThat(anomalies.get()).as("calls that saw zero or two versions").isZero();
    assertThat(afterDrain.get()).as("calls into a version after its drain completed").isZero();
    assertThat(point.isEmpty()).isTrue();
  }
}
