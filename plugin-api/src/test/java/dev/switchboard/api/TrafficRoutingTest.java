package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.runtime.ExtensionOwners;
import dev.switchboard.api.runtime.TrafficSplit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two owners of one plugin live on one point with a traffic split: weights, stable hash, pins, counts, finish. */
class TrafficRoutingTest {
  interface Handler { void handle(List<String> seen); }

  private static RoutingKey key(Map<String, String> attributes) {
    return attributes::get;
  }

  /** Separate interfaces per test: points are JVM-wide. */
  interface WeightsPoint extends Handler {}

  @Test
  void weightsShareCallsWithinTolerance() {
    ExtensionPoint<WeightsPoint> point = Extensions.point(WeightsPoint.class);
    Extensions.Owner v1 = ExtensionOwners.create("p/1");
    ExtensionOwners.register(v1, WeightsPoint.class, seen -> seen.add("1"));
    ExtensionOwners.publish(v1, null);
    Extensions.Owner v2 = ExtensionOwners.create("p/2");
    ExtensionOwners.register(v2, WeightsPoint.class, seen -> seen.add("2"));
    ExtensionOwners.publishBeside(v2, v1, new TrafficSplit(90, 10, null, null, Map.of()));

    int n = 20_000;
    int[] counts = share(point, n, null);
    assertThat(counts[0] + counts[1]).as("every call reached exactly one version").isEqualTo(n);
    assertThat(counts[1]).as("10 %% of %d calls to 2, within 1.5 points", n).isBetween(1_700, 2_300);
    assertThat(ExtensionOwners.routedCalls(v1)).isEqualTo(counts[0]);
    assertThat(ExtensionOwners.routedCalls(v2)).isEqualTo(counts[1]);

    ExtensionOwners.reroute(v2, new TrafficSplit(50, 50, null, null, Map.of()));
    counts = share(point, n, null);
    assertThat(counts[1]).isBetween(9_300, 10_700);
    ExtensionOwners.reroute(v1, new TrafficSplit(0, 100, null, null, Map.of()));
    assertThat(share(point, 1_000, null)).containsExactly(0, 1_000);

    ExtensionOwners.publish(v2, v1); // promote: 2 alone, 1 removed
    assertThat(point.routes()).isEmpty();
    assertThat(point.size()).isEqualTo(1);
    assertThat(share(point, 100, null)).containsExactly(0, 100);
  }

  private static <T extends Handler> int[] share(ExtensionPoint<T> point, int n, java.util.function.IntFunction<RoutingKey> keys) {
    int[] counts = new int[2];
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      seen.clear();
      point.forEach(Handler::handle, seen, keys == null ? null : keys.apply(i));
      assertThat(seen).hasSize(1);
      counts[seen.get(0).equals("1") ? 0 : 1]++;
    }
    return counts;
  }

  interface HashPoint extends Handler {}

  @Test
  void theSameHashKeyValueAlwaysReachesTheSameVersionAndRaisingTheWeightOnlyMovesValuesToIt() {
    ExtensionPoint<HashPoint> point = Extensions.point(HashPoint.class);
    Extensions.Owner v1 = ExtensionOwners.create("h/1");
    ExtensionOwners.register(v1, HashPoint.class, seen -> seen.add("1"));
    ExtensionOwners.publish(v1, null);
    Extensions.Owner v2 = ExtensionOwners.create("h/2");
    ExtensionOwners.register(v2, HashPoint.class, seen -> seen.add("2"));
    ExtensionOwners.publishBeside(v2, v1, new TrafficSplit(90, 10, "x-user", null, Map.of()));

    Map<String, String> at10 = assignments(point);
    for (int round = 0; round < 3; round++) {
      assertThat(assignments(point)).as("stable for every user").isEqualTo(at10);
    }
    long on2 = at10.values().stream().filter("2"::equals).count();
    assertThat(on2).as("about 10 %% of 2000 users").isBetween(140L, 260L);

    ExtensionOwners.reroute(v1, new TrafficSplit(50, 50, "x-user", null, Map.of()));
    Map<String, String> at50 = assignments(point);
    at10.forEach((user, version) -> {
      if (version.equals("2")) assertThat(at50.get(user)).as("%s stays on 2 when 2 gets more", user).isEqualTo("2");
    });
    assertThat(at50.values().stream().filter("2"::equals).count()).isBetween(900L, 1_100L);
    assertThat(Route.bucket("user-42")).as("the bucket of a value is fixed across JVMs").isEqualTo(Route.bucket("user-42"))
        .isBetween(0, Route.BUCKETS - 1);
  }

  private static Map<String, String> assignments(ExtensionPoint<HashPoint> point) {
    Map<String, String> out = new HashMap<>();
    List<String> seen = new ArrayList<>();
    for (int u = 0; u < 2_000; u++) {
      seen.clear();
      String user = "user-" + u;
      point.forEach(Handler::handle, seen, key(Map.of("x-user", user)));
      assertThat(seen).hasSize(1);
      out.put(user, seen.get(0));
    }
    return out;
  }

  interface PinPoint extends Handler {}

  @Test
  void aPinnedCallAlwaysReachesItsVersionWhateverTheWeights() {
    ExtensionPoint<PinPoint> point = Extensions.point(PinPoint.class);
    Extensions.Owner v1 = ExtensionOwners.create("q/1");
    ExtensionOwners.register(v1, PinPoint.class, seen -> seen.add("1"));
    ExtensionOwners.publish(v1, null);
    Extensions.Owner v2 = ExtensionOwners.create("q/2");
    ExtensionOwners.register(v2, PinPoint.class, seen -> seen.add("2"));
    ExtensionOwners.publishBeside(v2, v1, new TrafficSplit(100, 0, "x-user", "x-deployment-id", Map.of("v2", true, "v1", false)));
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      seen.clear();
      point.forEach(Handler::handle, seen, key(Map.of("x-deployment-id", "v2", "x-user", "u" + i)));
      assertThat(seen).containsExactly("2");
      seen.clear();
      point.forEach(Handler::handle, seen, key(Map.of("x-deployment-id", "v3", "x-user", "u" + i)));
      assertThat(seen).as("an unknown pin value falls back to the weights").containsExactly("1");
    }
    ExtensionOwners.reroute(v2, new TrafficSplit(0, 100, null, "x-deployment-id", Map.of("v1", false)));
    seen.clear();
    point.forEach(Handler::handle, seen, key(Map.of("x-deployment-id", "v1")));
    assertThat(seen).containsExactly("1");
    seen.clear();
    assertThat(point.forEachWhile((h, s) -> { h.handle(s); return true; }, seen, key(Map.of()))).isTrue();
    assertThat(seen).containsExactly("2");
  }

  interface AbortPoint extends Handler {}

  interface AbortOther extends Handler {}

  @Test
  void abortingLeavesThePrimaryAloneOnEveryPointAndTheSecondaryDrains() throws Exception {
    ExtensionPoint<AbortPoint> point = Extensions.point(AbortPoint.class);
    ExtensionPoint<AbortOther> other = Extensions.point(AbortOther.class);
    Extensions.Owner v1 = ExtensionOwners.create("a/1");
    ExtensionOwners.register(v1, AbortPoint.class, seen -> seen.add("1"));
    ExtensionOwners.publish(v1, null);
    Extensions.Owner v2 = ExtensionOwners.create("a/2");
    ExtensionOwners.register(v2, AbortPoint.class, seen -> seen.add("2"));
    ExtensionOwners.register(v2, AbortOther.class, seen -> seen.add("2-other"));
    ExtensionOwners.publishBeside(v2, v1, new TrafficSplit(0, 1, null, null, Map.of()));
    List<String> seen = new ArrayList<>();
    other.forEach(Handler::handle, seen);
    point.forEach(Handler::handle, seen);
    assertThat(seen).containsExactly("2-other", "2");

    ExtensionOwners.publish(v1, v2); // abort
    assertThat(point.routes()).isEmpty();
    assertThat(other.isEmpty()).isTrue();
    assertThat(ExtensionOwners.awaitDrained(v2, Duration.ofSeconds(5))).isTrue();
    seen.clear();
    point.forEach(Handler::handle, seen);
    assertThat(seen).containsExactly("1");
    assertThatThrownBy(() -> ExtensionOwners.reroute(v1, TrafficSplit.primaryOnly())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a/1");
  }
}
