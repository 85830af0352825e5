package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

class ExtensionPointTest {
  /** Each test uses its own interface so the JVM-wide points do not interfere. */
  interface Named { String name(); }
  interface Filter { boolean pass(StringBuilder sb); }
  interface Slow { void call(); }
  interface Counted { void hit(long[] box); }

  private static List<String> names(ExtensionPoint<Named> p) {
    List<String> out = new ArrayList<>();
    p.forEach((n, l) -> l.add(n.name()), out);
    return out;
  }

  @Test
  void stagedRegistrationsAreInvisibleUntilPublished() {
    ExtensionPoint<Named> p = Extensions.point(Named.class);
    assertThat(Extensions.point(Named.class)).isSameAs(p);
    Extensions.Owner a = new Extensions.Owner("a@1");
    a.register(Named.class, () -> "a1");
    assertThat(p.isEmpty()).isTrue();
    a.publish(null);
    assertThat(names(p)).containsExactly("a1");
    Registration late = a.register(Named.class, () -> "a2");
    assertThat(names(p)).containsExactly("a1", "a2");
    late.close();
    late.close();
    assertThat(names(p)).containsExactly("a1");
    a.unregisterAll();
    assertThat(p.isEmpty()).isTrue();
    assertThatThrownBy(() -> a.register(Named.class, () -> "x")).isInstanceOf(PluginException.class);
  }

  @Test
  void publishReplacesThePreviousOwnerInOneSwap() {
    ExtensionPoint<Filter> p = Extensions.point(Filter.class);
    Extensions.Owner other = new Extensions.Owner("other");
    other.register(Filter.class, sb -> sb.append("o") != null);
    other.publish(null);
    Extensions.Owner v1 = new Extensions.Owner("x@1");
    v1.register(Filter.class, sb -> sb.append("1") != null);
    v1.publish(null);
    Extensions.Owner v2 = new Extensions.Owner("x@2");
    v2.register(Filter.class, sb -> sb.append("2") != null);
    v2.publish(v1);
    StringBuilder sb = new StringBuilder();
    p.forEach((f, s) -> f.pass(s), sb);
    assertThat(sb.toString()).isEqualTo("o2");
    assertThat(v1.registrations()).isEmpty();
    other.unregisterAll();
    v2.unregisterAll();
    assertThat(p.size()).isZero();
  }

  @Test
  void forEachWhileStopsAtTheFirstFalse() {
    ExtensionPoint<Filter> p = Extensions.point(Filter.class);
    Extensions.Owner o = new Extensions.Owner("chain");
    o.register(Filter.class, sb -> sb.append("a") == null);
    o.register(Filter.class, sb -> sb.append("b") != null);
    o.publish(null);
    StringBuilder sb = new StringBuilder();
    assertThat(p.forEachWhile((f, s) -> f.pass(s), sb)).isFalse();
    assertThat(sb.toString()).isEqualTo("a");
    o.unregisterAll();
    assertThat(p.forEachWhile((f, s) -> f.pass(s), sb)).isTrue();
  }

  @Test
  void inFlightCallsAreCountedAndDrained() throws Exception {
    ExtensionPoint<Slow> p = Extensions.point(Slow.class);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Extensions.Owner o = new Extensions.Owner("slow");
    o.register(Slow.class, () -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    o.publish(null);
    Thread caller = new Thread(() -> p.forEach(Slow::call));
    caller.start();
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(o.inFlight()).isEqualTo(1);
    o.unregisterAll();
    assertThat(p.isEmpty()).isTrue();
    assertThat(o.awaitDrained(Duration.ofMillis(100))).as("call still running").isFalse();
    release.countDown();
    assertThat(o.awaitDrained(Duration.ofSeconds(5))).isTrue();
    caller.join();
    assertThat(o.inFlight()).isZero();
  }

  @Test
  void aThrowingExtensionDoesNotLeakAnInFlightCount() {
    ExtensionPoint<Slow> p = Extensions.point(Slow.class);
    Extensions.Owner o = new Extensions.Owner("thrower");
    o.register(Slow.class, () -> {
      throw new IllegalStateException("bad extension");
    });
    o.publish(null);
    assertThatThrownBy(() -> p.forEach(Slow::call)).hasMessage("bad extension");
    assertThat(o.inFlight()).isZero();
    o.unregisterAll();
  }

  @Test
  void registeringAnObjectOfTheWrongTypeIsRefused() {
    Extensions.Owner o = new Extensions.Owner("wrong");
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Object> raw = (Class) Named.class;
    assertThatThrownBy(() -> o.register(raw, "not a Named"))
        .hasMessage("extension java.lang.String does not implement " + Named.class.getName());
  }

  private static final BiConsumer<Counted, long[]> HIT = Counted::hit;
  private static final BiPredicate<Counted, long[]> HIT_WHILE = (c, box) -> {
    c.hit(box);
    return true;
  };

  @Test
  void theHotPathDoesNotAllocate() {
    ExtensionPoint<Counted> p = Extensions.point(Counted.class);
    Extensions.Owner o = new Extensions.Owner("hot");
    o.register(Counted.class, box -> box[0]++);
    o.register(Counted.class, box -> box[0] += 2);
    o.publish(null);
    long[] box = new long[1];
    for (int i = 0; i < 200_000; i++) { // warm up (JIT)
      p.forEach(HIT, box);
      p.forEachWhile(HIT_WHILE, box);
    }
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 100_000; i++) {
      p.forEach(HIT, box);
      p.forEachWhile(HIT_WHILE, box);
    }
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    System.out.println("extension point hot path: " + allocated + " bytes allocated over 200000 dispatches");
    assertThat(box[0]).isEqualTo(6L * 300_000);
    assertThat(allocated).as("bytes allocated by 200k dispatches").isLessThan(64 * 1024);
    o.unregisterAll();
  }
}
