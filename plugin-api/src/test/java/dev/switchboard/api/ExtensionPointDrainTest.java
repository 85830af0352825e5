package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** What a drain waits for, and what it must not wait for, with per-thread call records. */
class ExtensionPointDrainTest {
  interface Blocking { void call(CountDownLatch entered, CountDownLatch release); }
  interface Idle { void call(List<String> seen); }
  interface Shared { void call(CountDownLatch entered, CountDownLatch release); }
  interface Nested { void call(List<String> seen); }
  interface Counted { void call(CountDownLatch entered, CountDownLatch release); }

  private static void block(CountDownLatch entered, CountDownLatch release) {
    entered.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void anUpgradeDrainWaitsForACallBlockedInsideTheOldVersionWhileNewCallsReachTheNewOne() throws Exception {
    ExtensionPoint<Blocking> p = Extensions.point(Blocking.class);
    List<String> seen = new ArrayList<>();
    Extensions.Owner v1 = new Extensions.Owner("blocking@1");
    v1.register(Blocking.class, (e, r) -> {
      synchronized (seen) {
        seen.add("v1");
      }
      block(e, r);
    });
    v1.publish(null);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread caller = new Thread(() -> p.forEach(b -> b.call(entered, release)), "blocked-caller");
    caller.start();
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    Extensions.Owner v2 = new Extensions.Owner("blocking@2");
    v2.register(Blocking.class, (e, r) -> {
      synchronized (seen) {
        seen.add("v2");
      }
    });
    v2.publish(v1);
    p.forEach(b -> b.call(new CountDownLatch(1), new CountDownLatch(0)));
    assertThat(v1.inFlight()).isEqualTo(1);
    assertThat(v2.inFlight()).isZero();
    assertThat(v1.awaitDrained(Duration.ofMillis(200))).as("drain while a call is blocked in v1").isFalse();

    release.countDown();
    assertThat(v1.awaitDrained(Duration.ofSeconds(5))).isTrue();
    caller.join(5_000);
    assertThat(seen).containsExactly("v1", "v2");
    assertThat(v1.inFlight()).isZero();
    v2.unregisterAll();
  }

  @Test
  void aDrainDoesNotWaitForThreadsThatEndedOrNeverCallAgain() throws Exception {
    ExtensionPoint<Idle> p = Extensions.point(Idle.class);
    Extensions.Owner o = new Extensions.Owner("idle@1");
    o.register(Idle.class, l -> {
      synchronized (l) {
        l.add(Thread.currentThread().getName());
      }
    });
    o.publish(null);
    List<String> seen = new ArrayList<>();
    List<Thread> ended = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Thread t = new Thread(() -> p.forEach(Idle::call, seen), "ended-" + i);
      t.start();
      ended.add(t);
    }
    for (Thread t : ended) {
      t.join(5_000);
    }
    CountDownLatch called = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Thread idle = new Thread(() -> {
      p.forEach(Idle::call, seen);
      called.countDown();
      try {
        finish.await(); // alive, never calls again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "idle");
    idle.start();
    assertThat(called.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).hasSize(21);

    o.unregisterAll();
    long t0 = System.nanoTime();
    assertThat(o.awaitDrained(Duration.ofSeconds(5))).isTrue();
    System.out.println("drain with 20 ended threads and 1 idle thread: " + (System.nanoTime() - t0) / 1000 + " us");
    assertThat(o.inFlight()).isZero();

    // The next thread to call this point drops the records of the ended threads.
    Thread next = new Thread(() -> p.forEach(Idle::call, seen), "next");
    next.start();
    next.join(5_000);
    assertThat(p.callerRecords()).as("records after 20 threads ended").isLessThanOrEqualTo(3);
    finish.countDown();
    idle.join(5_000);
  }

  @Test
  void aDrainDoesNotWaitForACallWhoseSnapshotNeverHeldTheOwner() throws Exception {
    ExtensionPoint<Shared> p = Extensions.point(Shared.class);
    Extensions.Owner other = new Extensions.Owner("other@1");
    other.register(Shared.class, ExtensionPointDrainTest::block);
    other.publish(null);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread caller = new Thread(() -> p.forEach(s -> s.call(entered, release)), "blocked-in-other");
    caller.start();
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    Extensions.Owner late = new Extensions.Owner("late@1");
    late.register(Shared.class, (e, r) -> { });
    late.publish(null); // the blocked call's snapshot does not hold it
    late.unregisterAll();
    assertThat(late.awaitDrained(Duration.ofSeconds(5))).isTrue();
    assertThat(other.inFlight()).isEqualTo(1);
    release.countDown();
    caller.join(5_000);
    other.unregisterAll();
    assertThat(other.awaitDrained(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void aReentrantCallSeesTheNewVersionAndEachDrainWaitsForTheCallInsideItsVersion() throws Exception {
    ExtensionPoint<Nested> p = Extensions.point(Nested.class);
    CountDownLatch swapped = new CountDownLatch(1);
    CountDownLatch enteredOuter = new CountDownLatch(1);
    CountDownLatch enteredInner = new CountDownLatch(1);
    CountDownLatch releaseOuter = new CountDownLatch(1);
    CountDownLatch releaseInner = new CountDownLatch(1);
    Extensions.Owner v1 = new Extensions.Owner("nested@1");
    v1.register(Nested.class, l -> {
      l.add("v1");
      block(enteredOuter, swapped);
      Extensions.point(Nested.class).forEach(Nested::call, l); // re-entrant, after the upgrade
      block(new CountDownLatch(1), releaseOuter);
    });
    v1.publish(null);
    List<String> seen = new ArrayList<>();
    Thread caller = new Thread(() -> p.forEach(Nested::call, seen), "reentrant");
    caller.start();
    assertThat(enteredOuter.await(5, TimeUnit.SECONDS)).isTrue();
    Extensions.Owner v2 = new Extensions.Owner("nested@2");
    v2.register(Nested.class, l -> {
      l.add("v2");
      block(enteredInner, releaseInner);
    });
    v2.publish(v1);
    swapped.countDown();
    assertThat(enteredInner.await(5, TimeUnit.SECONDS)).isTrue();
    v2.unregisterAll();
    assertThat(v1.inFlight()).isEqualTo(1);
    assertThat(v2.inFlight()).isEqualTo(1);
    assertThat(v2.awaitDrained(Duration.ofMillis(100))).as("drain while the inner call runs in v2").isFalse();
    releaseInner.countDown();
    assertThat(v2.awaitDrained(Duration.ofSeconds(5))).isTrue();
    assertThat(v1.awaitDrained(Duration.ofMillis(100))).as("drain while the outer call runs in v1").isFalse();
    releaseOuter.countDown();
    assertThat(v1.awaitDrained(Duration.ofSeconds(5))).isTrue();
    caller.join(5_000);
    assertThat(seen).containsExactly("v1", "v2");
  }

  @Test
  void countedThreadsLikeVirtualThreadsAreDrainedThroughThePerOwnerCounters() throws Exception {
    ExtensionPoint<Counted> p = Extensions.point(Counted.class);
    Predicate<Thread> previous = Callers.counted;
    Callers.counted = t -> t.getName().startsWith("counted-");
    try {
      Extensions.Owner o = new Extensions.Owner("counted@1");
      o.register(Counted.class, ExtensionPointDrainTest::block);
      o.publish(null);
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread caller = new Thread(() -> p.forEach(c -> c.call(entered, release)), "counted-1");
      caller.start();
      assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(p.callerRecords()).as("a counted thread gets no record").isZero();
      assertThat(o.inFlight()).isEqualTo(1);
      o.unregisterAll();
      assertThat(o.awaitDrained(Duration.ofMillis(200))).isFalse();
      release.countDown();
      assertThat(o.awaitDrained(Duration.ofSeconds(5))).isTrue();
      caller.join(5_000);
    } finally {
      Callers.counted = previous;
    }
  }
}
