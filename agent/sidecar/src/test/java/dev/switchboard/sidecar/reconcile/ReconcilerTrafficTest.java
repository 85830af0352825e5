package dev.switchboard.sidecar.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.sidecar.desired.ArtifactRef;
import dev.switchboard.sidecar.desired.Resolution;
import dev.switchboard.sidecar.desired.Traffic;
import dev.switchboard.sidecar.testing.FakeConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two versions live through the reconciler, against a runtime in memory (the real runtime: the ITs). */
class ReconcilerTrafficTest {
  // the fake runtime names a jar's version "v-" + the first 4 digits of its sha256
  static final ArtifactRef V1 = new ArtifactRef("file:///v1.jar", "1".repeat(64), "v-1111");
  static final ArtifactRef V2 = new ArtifactRef("file:///v2.jar", "2".repeat(64), "v-2222");
  static final ArtifactRef V3 = new ArtifactRef("file:///v3.jar", "3".repeat(64), "v-3333");

  final FakeConnection runtime = new FakeConnection();
  final Map<String, PluginReport> reports = new ConcurrentHashMap<>();
  final List<String> failures = new CopyOnWriteArrayList<>();
  final List<RuntimeException> loopErrors = new CopyOnWriteArrayList<>();
  final Reconciler reconciler = new Reconciler(a -> CompletableFuture.completedFuture(Path.of("/cache/" + a.sha256() + ".jar")),
      new ReconcileListener() {
        @Override public void onReport(PluginReport r) { reports.put(r.plugin(), r); }
        @Override public void onFailure(String p, String reason) { failures.add(p + ":" + reason); }
        @Override public void onLoopError(RuntimeException e) { loopErrors.add(e); }
      }, Duration.ofMillis(20), Duration.ofMillis(200));

  @AfterEach
  void close() {
    assertThat(loopErrors).as("no task on the reconciler's loop threw").isEmpty();
    reconciler.close();
  }

  static Resolution run(ArtifactRef a, Traffic t) {
    return new Resolution("p", true, a, "{}", false, null, t);
  }

  static Traffic split(ArtifactRef second, int w1, int w2) {
    return new Traffic(Map.of(V1.version(), w1, second.version(), w2), second, null, "x-deployment-id", Map.of("v2", second.version()));
  }

  void start() {
    reconciler.desiredReady();
    reconciler.attach(runtime).join();
  }

  void awaitSettled() {
    await().atMost(Duration.ofSeconds(10)).until(() -> reconciler.settled().join());
  }

  void awaitReport(java.util.function.Predicate<PluginReport> p) {
    await().atMost(Duration.ofSeconds(10)).until(() -> reports.get("p") != null && p.test(reports.get("p")));
  }

  @Test
  void aTrafficValueStartsTheSecondVersionBesideTheFirstAndNewWeightsOnlyReroute() {
    start();
    reconciler.submit("p", run(V1, null), true);
    awaitReport(r -> "ACTIVE".equals(r.state()));
    reconciler.submit("p", run(V1, split(V2, 90, 10)), true);
    awaitReport(r -> r.traffic() != null);
    assertThat(reports.get("p").traffic()).isEqualTo(LiveSplit.of(split(V2, 90, 10)));
    assertThat(reports.get("p").state()).isEqualTo("ACTIVE");
    assertThat(reports.get("p").version()).as("the first version is the plugin's version").isEqualTo(V1.version());
    reconciler.submit("p", run(V1, split(V2, 50, 50)), true);
    awaitReport(r -> r.traffic() != null && r.traffic().weights().get(V2.version()) == 50);
    awaitSettled();
    assertThat(runtime.ops).containsExactly(
        "activate p 1111 {}",
        "traffic SPLIT p 2222 {v-1111=90, v-2222=10}",
        "traffic SPLIT p 2222 {v-1111=50, v-2222=50}");
    assertThat(runtime.splits.get("p").weights()).isEqualTo(Map.of("v-1111", 50, "v-2222", 50));
  }

  @Test
  void theTrafficKeyGoneWithTheArtifactUnchangedAbortsAndWithTheSecondArtifactAsArtifactPromotes() {
    start();
    reconciler.submit("p", run(V1, split(V2, 50, 50)), true);
    awaitReport(r -> r.traffic() != null);
    reconciler.submit("p", run(V1, null), true); // abort: the traffic key deleted
    awaitReport(r -> r.traffic() == null);
    awaitSettled();
    assertThat(runtime.splits).isEmpty();
    assertThat(runtime.plugins.get("p").sha256()).isEqualTo(V1.sha256());

    reconciler.submit("p", run(V1, split(V2, 0, 100)), true);
    awaitReport(r -> r.traffic() != null);
    // promote as ctl writes it: the artifact first (the traffic key still names it), then the key deleted
    reconciler.submit("p", run(V2, split(V2, 0, 100)), true);
    reconciler.submit("p", run(V2, null), true);
    awaitReport(r -> r.traffic() == null && V2.sha256().equals(r.sha256()));
    awaitSettled();
    assertThat(runtime.ops).containsExactly(
        "activate p 1111 {}",
        "traffic SPLIT p 2222 {v-1111=50, v-2222=50}",
        "traffic ABORT p",
        "traffic SPLIT p 2222 {v-1111=0, v-2222=100}",
        "traffic PROMOTE p",
        "activate p 2222 {}"); // the promoted instance's config is confirmed once (a no-op in the runtime)
    assertThat(reports.get("p").state()).isEqualTo("ACTIVE");
    assertThat(reports.get("p").version()).isEqualTo(V2.version());
    assertThat(failures).isEmpty();
  }

  @Test
  void aNewArtifactDuringASplitEndsItAndUpgrades() {
    start();
    reconciler.submit("p", run(V1, split(V2, 50, 50)), true);
    awaitReport(r -> r.traffic() != null);
    reconciler.submit("p", run(V3, null), true);
    awaitReport(r -> V3.sha256().equals(r.sha256()));
    awaitSettled();
    assertThat(runtime.ops).endsWith("activate p 3333 {}");
    assertThat(runtime.splits).isEmpty();
    assertThat(reports.get("p").traffic()).isNull();
  }

  @Test
  void aSplitTheRuntimeRefusesLeavesTheFirstVersionServingShownActiveWithTheReasonAndIsNotRetried() {
    start();
    reconciler.submit("p", run(V1, null), true);
    awaitReport(r -> "ACTIVE".equals(r.state()));
    // the traffic key names a version the second jar does not have (the fake runtime refuses: permanent, previous serving)
    Traffic wrong = new Traffic(Map.of(V1.version(), 90, "9.9.9", 10), new ArtifactRef(V2.url(), V2.sha256(), "9.9.9"), null, null, Map.of());
    reconciler.submit("p", run(V1, wrong), true);
    awaitReport(r -> r.error() != null);
    awaitSettled();
    PluginReport r = reports.get("p");
    assertThat(r.state()).isEqualTo("ACTIVE");
    assertThat(r.error()).contains("traffic split refused").contains("must name v-1111 and v-2222").contains("not retried");
    assertThat(r.traffic()).isNull();
    assertThat(runtime.ops).containsExactly("activate p 1111 {}", "traffic SPLIT p 2222 {9.9.9=10, v-1111=90}");
    assertThat(failures).containsExactly("p:runtime_refused");
  }

  @Test
  void aReAdoptedRuntimeWithTheDesiredSplitIsLeftAloneAndOneWithAnotherSplitIsRerouted() {
    reconciler.desiredReady();
    reconciler.attach(runtime).join();
    reconciler.submit("p", run(V1, split(V2, 90, 10)), true);
    awaitReport(r -> r.traffic() != null);
    awaitSettled();
    int before = runtime.ops.size();

    try (Reconciler again = new Reconciler(a -> CompletableFuture.completedFuture(Path.of("/cache/" + a.sha256() + ".jar")),
        new ReconcileListener() {}, Duration.ofMillis(20), Duration.ofMillis(200))) {
      again.submit("p", run(V1, split(V2, 90, 10)), true);
      again.desiredReady();
      again.attach(runtime).join();
      await().atMost(Duration.ofSeconds(10)).until(() -> again.settled().join());
      assertThat(runtime.ops.subList(before, runtime.ops.size()))
          .as("only the confirmation of the first version's config (a no-op that keeps the split); no second split")
          .containsExactly("activate p 1111 {}");
      assertThat(runtime.splits).containsOnlyKeys("p");
      again.submit("p", run(V1, split(V2, 80, 20)), true);
      await().atMost(Duration.ofSeconds(10)).until(() -> runtime.ops.size() > before + 1 && again.settled().join());
      assertThat(runtime.ops.subList(before + 1, runtime.ops.size())).containsExactly("traffic SPLIT p 2222 {v-1111=80, v-2222=20}");
      assertThat(again.runtimeTraffic().join()).containsOnlyKeys("p");
    }
  }
}
