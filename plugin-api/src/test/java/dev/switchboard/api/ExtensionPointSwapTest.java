package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Many versions swapped under concurrent calls: each call sees exactly one, none runs after its drain. */
class ExtensionPointSwapTest {
  interface Versioned { void call(long[] seen); }

  static final class Version implements Versioned {
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

  @Test
  void everyCallSeesExactlyOneVersionAndNoneRunsAfterItsDrain() throws Exception {
    ExtensionPoint<Versioned> point = Extensions.point(Versioned.class);
    AtomicLong afterDrain = new AtomicLong();
    AtomicLong anomalies = new AtomicLong();
    AtomicLong calls = new AtomicLong();
    AtomicBoolean run = new AtomicBoolean(true);
    Extensions.Owner current = new Extensions.Owner("v0");
    Version v0 = new Version(0, afterDrain);
    current.register(Versioned.class, v0);
    current.publish(null);

    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread t = new Thread(() -> {
        long[] seen = new long[2];
        while (run.get()) {
          seen[0] = 0;
          point.forEach(Versioned::call, seen);
          calls.incrementAndGet();
          if (seen[0] != 1) {
            anomalies.incrementAndGet();
          }
        }
      });
      t.start();
      callers.add(t);
    }
    Version previous = v0;
    int swaps = 300;
    for (int n = 1; n <= swaps; n++) {
      Extensions.Owner next = new Extensions.Owner("v" + n);
      Version v = new Version(n, afterDrain);
      next.register(Versioned.class, v);
      next.publish(current);
      assertThat(current.awaitDrained(Duration.ofSeconds(10))).isTrue();
      previous.drained = true;
      current = next;
      previous = v;
    }
    run.set(false);
    for (Thread t : callers) {
      t.join(10_000);
    }
    current.unregisterAll();
    System.out.println("extension point swaps: " + swaps + " swaps under " + calls.get() + " concurrent calls");
    assertThat(anomalies.get()).as("calls that saw zero or two versions").isZero();
    assertThat(afterDrain.get()).as("calls into a version after its drain completed").isZero();
    assertThat(point.isEmpty()).isTrue();
  }
}
