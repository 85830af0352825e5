package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyQueueTest {
  @Test
  void eventsForAQueuedKeyCoalesceAndAKeyIsNeverHandedOutTwiceAtOnce() throws Exception {
    KeyQueue q = new KeyQueue();
    q.offer("a");
    q.offer("a");
    q.offer("b");
    assertThat(q.size()).isEqualTo(2);
    assertThat(q.take()).isEqualTo("a");
    q.offer("a"); // changed again while being merged
    assertThat(q.take()).isEqualTo("b");
    q.done("b");
    q.done("a");
    assertThat(q.take()).as("merged again after the first merge finished").isEqualTo("a");
    q.done("a");
    assertThat(q.size()).isZero();
    q.close();
    assertThat(q.take()).isNull();
  }

  @Test
  void underConcurrentOffersEveryKeyIsMergedAfterItsLastOfferAndNeverByTwoWorkersAtOnce() throws Exception {
    KeyQueue q = new KeyQueue();
    int keys = 50;
    java.util.concurrent.atomic.AtomicIntegerArray offeredSinceTake = new java.util.concurrent.atomic.AtomicIntegerArray(keys);
    java.util.concurrent.atomic.AtomicIntegerArray holders = new java.util.concurrent.atomic.AtomicIntegerArray(keys);
    java.util.concurrent.atomic.AtomicInteger overlaps = new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<Thread> workers = new java.util.ArrayList<>();
    for (int w = 0; w < 8; w++) {
      Thread t = new Thread(() -> {
        try {
          String k;
          while ((k = q.take()) != null) {
            int i = Integer.parseInt(k);
            if (holders.incrementAndGet(i) > 1) {
              overlaps.incrementAndGet();
            }
            offeredSinceTake.set(i, 0); // the merge reads the current state: every earlier offer is covered
            Thread.onSpinWait();
            holders.decrementAndGet(i);
            q.done(k);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      t.start();
      workers.add(t);
    }
    Thread[] producers = new Thread[2];
    for (int p = 0; p < producers.length; p++) {
      int seed = p;
      producers[p] = new Thread(() -> {
        java.util.Random r = new java.util.Random(seed);
        for (int n = 0; n < 20_000; n++) {
          int i = r.nextInt(keys);
          offeredSinceTake.set(i, 1);
          q.offer(String.valueOf(i));
        }
      });
      producers[p].start();
    }
    for (Thread p : producers) {
      p.join();
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (q.size() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    q.close();
    for (Thread t : workers) {
      t.join(5000);
    }
    assertThat(q.size()).as("everything taken").isZero();
    assertThat(overlaps.get()).as("a key held by two workers at once").isZero();
    for (int i = 0; i < keys; i++) {
      assertThat(offeredSinceTake.get(i)).as("key %d offered after its last merge", i).isZero();
    }
  }
}
