package dev.switchboard.sidecar.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.Refusal;
import dev.switchboard.control.UnloadOutcome;
import dev.switchboard.sidecar.artifact.ArtifactException;
import dev.switchboard.sidecar.desired.ArtifactRef;
import dev.switchboard.sidecar.desired.Resolution;
import dev.switchboard.sidecar.testing.FakeConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
  static final ArtifactRef V1 = new ArtifactRef("file:///v1.jar", "1".repeat(64), "1.0.0");
  static final ArtifactRef V2 = new ArtifactRef("file:///v2.jar", "2".repeat(64), "2.0.0");
  static final ArtifactRef BAD = new ArtifactRef("file:///bad.jar", "b".repeat(64), "6.6.6");

  final FakeConnection runtime = new FakeConnection();
  final Map<String, PluginReport> reports = new ConcurrentHashMap<>();
  /** Every report, in the order the reconciler gave them. */
  final List<PluginReport> history = new CopyOnWriteArrayList<>();
  final List<String> removed = new CopyOnWriteArrayList<>();
  final List<Duration> flips = new CopyOnWriteArrayList<>();
  final List<String> failures = new CopyOnWriteArrayList<>();
  final AtomicInteger fetches = new AtomicInteger();
  final List<RuntimeException> loopErrors = new CopyOnWriteArrayList<>();
  final Reconciler reconciler = new Reconciler(this::fetch, new ReconcileListener() {
    @Override public void onReport(PluginReport r) { reports.put(r.plugin(), r); history.add(r); }
    @Override public void onRemoved(String p) { removed.add(p); reports.remove(p); }
    @Override public void onFlip(String p, boolean active, Duration d) { flips.add(d); }
    @Override public void onFailure(String p, String reason) { failures.add(p + ":" + reason); }
    @Override public void onLoopError(RuntimeException e) { loopErrors.add(e); }
  }, Duration.ofMillis(20), Duration.ofMillis(200));

  CompletableFuture<Path> fetch(ArtifactRef a) {
    fetches.incrementAndGet();
    if (a.equals(BAD)) {
      return CompletableFuture.failedFuture(new ArtifactException(ArtifactException.Code.CHECKSUM_MISMATCH, "sha256 mismatch for " + a.url()));
    }
    return CompletableFuture.completedFuture(Path.of("/cache/" + a.sha256() + ".jar"));
  }

  @AfterEach
  void close() {
    assertThat(loopErrors).as("no task on the reconciler's loop threw").isEmpty();
    reconciler.close();
  }

  static Resolution on(ArtifactRef a) {
    return new Resolution("p", true, a, "{}", false, null);
  }

  static Resolution off() {
    return new Resolution("p", false, V1, "{}", false, null);
  }

  void start() {
    reconciler.desiredReady();
    reconciler.attach(runtime).join();
  }

  void awaitState(String plugin, String state) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(reports.get(plugin)).isNotNull()
        .extracting(PluginReport::state).isEqualTo(state));
  }

  void awaitSettled() {
    await().atMost(Duration.ofSeconds(10)).until(() -> reconciler.settled().join());
  }

  @Test
  void enablingActivatesAndDisablingDeactivatesRecordingFlipToLive() {
    start();
    reconciler.submit("p", on(V1), true);
    awaitState("p", "ACTIVE");
    assertThat(reports.get("p").sha256()).isEqualTo(V1.sha256());
    assertThat(reports.get("p").desired()).isTrue();
    reconciler.submit("p", off(), true);
    awaitState("p", "INACTIVE");
    awaitSettled();
    assertThat(runtime.ops).containsExactly("activate p 1111 {}", "deactivate p");
    assertThat(flips).hasSize(2).allSatisfy(d -> assertThat(d).isPositive());
    assertThat(reports.get("p").generation()).isEqualTo(2);
  }

  @Test
  void theUnloadOutcomeTheRuntimePushesAfterADeactivationIsPublished() {
    start();
    reconciler.submit("p", on(V1), true);
    awaitState("p", "ACTIVE");
    assertThat(reports.get("p").unload()).as("nothing unloaded yet").isNull();
    runtime.deactivateUnload = UnloadOutcome.PENDING; // as the runtime answers; the outcome follows as an event
    reconciler.submit("p", off(), true);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(reports.get("p").unload()).isEqualTo("pending"));
    runtime.push(new PluginStatus("p", PluginState.INACTIVE, null, null, Instant.now().toString(), null, UnloadOutcome.COLLECTED, List.of()));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(reports.get("p").unload()).isEqualTo("collected"));
    assertThat(reports.get("p").state()).isEqualTo("INACTIVE");
  }

  @Test
  void rapidFlipsAreCoalescedAndTheLastWriteWins() {
    start();
    runtime.hold = true;
    reconciler.submit("p", on(V1), true);
    await().until(() -> runtime.ops.size() == 1);
    for (int i = 0; i < 20; i++) {
      reconciler.submit("p", off(), true);
      reconciler.submit("p", on(i % 2 == 0 ? V1 : V2), true);
    }
    reconciler.submit("p", off(), true);
    reconciler.submit("p", new Resolution("p", true, V2, "{\"n\":1}", false, null), true);
    assertThat(reconciler.settled().join()).as("answered on the loop after every submit: still busy").isFalse();
    assertThat(runtime.ops).hasSize(1); // one operation at a time per plugin
    runtime.release();
    awaitSettled();
    assertThat(runtime.ops).containsExactly("activate p 1111 {}", "activate p 2222 {\"n\":1}");
    assertThat(reports.get("p").state()).isEqualTo("ACTIVE");
    assertThat(reports.get("p").sha256()).isEqualTo(V2.sha256());
    // the first activation answered (recorded), the intermediate flips never reached the runtime, the last did
    assertThat(flips).hasSize(2);
  }

  @Test
  void anOlderStateIsNeverAppliedAfterANewerOne() {
    start();
    runtime.hold = true;
    reconciler.submit("p", on(V1), true);
    await().until(() -> runtime.ops.size() == 1);
    reconciler.submit("p", off(), true);
    reconciler.submit("p", on(V1), true);
    reconciler.submit("p", off(), true);
    runtime.release();
    awaitSettled();
    assertThat(runtime.ops).containsExactly("activate p 1111 {}", "deactivate p");
    assertThat(runtime.plugins).isEmpty();
  }

  @Test
  void failuresAreRetriedWithBackoffAndVisibleInStatus() {
    runtime.failNext.set(3);
    start();
    reconciler.submit("p", on(V1), true);
    awaitState("p", "ACTIVE");
    assertThat(failures).containsExactly("p:control_failed", "p:control_failed", "p:control_failed");
    List<PluginReport> failed = history.stream().filter(r -> r.error() != null).toList();
    assertThat(failed).as("each failed attempt was reported before the retry").hasSize(3)
        .allSatisfy(r -> assertThat(r.state()).isEqualTo("FAILED"))
        .allSatisfy(r -> assertThat(r.error()).contains("boom in p").contains("retrying"));
    assertThat(history.get(history.size() - 1).state()).isEqualTo("ACTIVE");
    assertThat(runtime.ops).hasSize(4);
    assertThat(reports.get("p").error()).isNull();
  }

  @Test
  void aFailingPluginShowsFailedWithTheReason() {
    runtime.failNext.set(1000);
    start();
    reconciler.submit("p", on(V1), true);
    await().untilAsserted(() -> assertThat(reports.get("p").error()).contains("boom in p").contains("retrying"));
    assertThat(reports.get("p").state()).isEqualTo("FAILED");
  }

  @Test
  void aChecksumMismatchNeverReachesTheRuntime() {
    start();
    reconciler.submit("p", on(BAD), true);
    await().untilAsserted(() -> assertThat(failures).contains("p:fetch_checksum_mismatch"));
    awaitState("p", "FAILED");
    assertThat(reports.get("p").error()).contains("sha256 mismatch");
    assertThat(runtime.ops).isEmpty();
  }

  @Test
  void desiredStateErrorsAreReportedFailedWhileTheLastValidStateIsApplied() {
    start();
    reconciler.submit("p", new Resolution("p", true, V1, "{}", false, "/k/config: bad JSON (last valid value kept)"), true);
    await().until(() -> runtime.plugins.containsKey("p"));
    awaitState("p", "FAILED");
    assertThat(reports.get("p").error()).contains("/k/config: bad JSON");
    reconciler.submit("p", new Resolution("p", true, null, "{}", false, "/k/artifact: desired but no valid artifact"), true);
    await().until(() -> runtime.plugins.isEmpty()); // nothing valid to run
  }

  @Test
  void nothingHappensBeforeTheDesiredStateIsReady() {
    runtime.push(new PluginStatus("old", PluginState.ACTIVE, "1", V1.sha256(), Instant.now().toString(), null, null, List.of()));
    reconciler.attach(runtime).join();
    reconciler.submit("p", on(V1), true);
    assertThat(reconciler.settled().join()).as("answered on the loop after the submit: not ready").isFalse();
    assertThat(runtime.ops).isEmpty();
    reconciler.desiredReady();
    awaitSettled();
    // "old" is not in the store: deactivated, then forgotten
    assertThat(runtime.ops).containsExactlyInAnyOrder("activate p 1111 {}", "deactivate old");
    await().untilAsserted(() -> assertThat(removed).containsExactly("old"));
  }

  @Test
  void reAdoptionDoesNotReloadAPluginThatAlreadyMatches() {
    runtime.push(new PluginStatus("p", PluginState.ACTIVE, "1.0.0", V1.sha256(), Instant.now().toString(), null, null, List.of()));
    reconciler.submit("p", on(V1), true);
    start();
    awaitSettled();
    // same sha256 ACTIVE: at most a reconfigure (same sha256, config only), never a deactivate or another jar
    assertThat(runtime.ops).allSatisfy(op -> assertThat(op).isEqualTo("activate p 1111 {}"));
    assertThat(runtime.ops.size()).isLessThanOrEqualTo(1);
    int before = runtime.ops.size();
    reconciler.submit("p", on(V1), true); // same desire again: idempotent
    awaitSettled();
    assertThat(runtime.ops).hasSize(before);
    assertThat(fetches.get()).isLessThanOrEqualTo(1);
  }

  @Test
  void aReAdoptedPluginKeepsTheRuntimesSinceNotTheTimeOfTheAdoption() {
    String started = "2026-01-02T03:04:05.678Z";
    runtime.push(new PluginStatus("p", PluginState.ACTIVE, "1.0.0", V1.sha256(), started, null, null, List.of()));
    reconciler.submit("p", on(V1), true);
    start();
    awaitSettled();
    awaitState("p", "ACTIVE");
    assertThat(reports.get("p").since()).as("ACTIVE since the plugin started in the host").isEqualTo(started);
  }

  @Test
  void aNewHostAfterDetachGetsTheDesiredStateRestored() {
    start();
    reconciler.submit("p", on(V1), true);
    awaitState("p", "ACTIVE");
    reconciler.detach(runtime);
    await().untilAsserted(() -> assertThat(reports.get("p").error()).isEqualTo("not attached to the host JVM"));
    FakeConnection fresh = new FakeConnection();
    reconciler.attach(fresh).join();
    await().until(() -> fresh.plugins.containsKey("p"));
    assertThat(fresh.ops).containsExactly("activate p 1111 {}");
    awaitState("p", "ACTIVE");
  }

  @Test
  void aPluginThatCrashesInTheRuntimeIsReactivated() {
    start();
    reconciler.submit("p", on(V1), true);
    awaitState("p", "ACTIVE");
    runtime.push(new PluginStatus("p", PluginState.FAILED, "1.0.0", V1.sha256(), Instant.now().toString(), "crashed", null, List.of()));
    await().until(() -> runtime.ops.size() == 2);
    awaitState("p", "ACTIVE");
  }

  @Test
  void anOperationInFlightWhenTheHostChangesIsRedoneOnTheNewHost() {
    start();
    runtime.hold = true;
    reconciler.submit("p", on(V1), true);
    await().until(() -> runtime.ops.size() == 1);
    FakeConnection fresh = new FakeConnection();
    reconciler.detach(runtime);
    reconciler.attach(fresh).join();
    runtime.release(); // the old host's late answer must not count for the new host
    await().until(() -> fresh.plugins.containsKey("p"));
    awaitState("p", "ACTIVE");
    assertThat(fresh.ops).containsExactly("activate p 1111 {}");
  }

  @Test
  void inactivePluginsTheStoreDoesNotNameAreForgottenWhenTheDesiredStateBecomesReadyAfterTheAttach() {
    // e.g. after `switchboard host deactivate`: the runtime still lists the plugins, INACTIVE
    for (String id : List.of("gone-1", "gone-2", "gone-3")) {
      runtime.push(new PluginStatus(id, PluginState.INACTIVE, null, null, Instant.now().toString(), null, UnloadOutcome.COLLECTED, List.of()));
    }
    reconciler.attach(runtime).join();
    reconciler.submit("p", on(V1), true);
    reconciler.desiredReady();
    awaitSettled();
    await().untilAsserted(() -> assertThat(removed).containsExactlyInAnyOrder("gone-1", "gone-2", "gone-3"));
    awaitState("p", "ACTIVE");
    assertThat(runtime.ops).containsExactly("activate p 1111 {}");
    assertThat(loopErrors).isEmpty();
  }

  static Resolution on(ArtifactRef a, String config) {
    return new Resolution("p", true, a, config, false, null);
  }

  @Test
  void aPermanentRefusalWhileThePreviousInstanceServesIsShownActiveWithTheReasonAndNotRetriedUntilTheDesireChanges() {
    start();
    reconciler.submit("p", on(V1), true);
    awaitState("p", "ACTIVE");
    runtime.refuseConfigContaining = "bad";
    runtime.refusal = new Refusal(true, true);
    reconciler.submit("p", on(V1, "{\"bad\":1}"), true);
    await().untilAsserted(() -> assertThat(reports.get("p").error()).isNotNull());
    awaitSettled(); // settled: no operation in flight and no retry pending
    PluginReport r = reports.get("p");
    assertThat(r.state()).as("the previous instance still serves").isEqualTo("ACTIVE");
    assertThat(r.sha256()).isEqualTo(V1.sha256());
    assertThat(r.error()).contains("config: refused bad").contains("not retried until the desired state changes");
    assertThat(runtime.ops).containsExactly("activate p 1111 {}", "activate p 1111 {\"bad\":1}");
    assertThat(failures).containsExactly("p:runtime_refused");
    // an event from the runtime about the serving instance does not retry the refused desire either
    runtime.push(runtime.plugins.get("p"));
    awaitSettled();
    assertThat(runtime.ops).hasSize(2);
    // a new desired state is tried, and clears the refusal once applied
    reconciler.submit("p", on(V1, "{\"good\":1}"), true);
    await().until(() -> runtime.ops.size() == 3);
    awaitSettled();
    await().untilAsserted(() -> assertThat(reports.get("p").error()).isNull());
    assertThat(reports.get("p").state()).isEqualTo("ACTIVE");
  }

  @Test
  void aRetryableRefusalWhileThePreviousInstanceServesIsShownActiveAndRetried() {
    start();
    reconciler.submit("p", on(V1), true);
    awaitState("p", "ACTIVE");
    runtime.refuseConfigContaining = "port";
    runtime.refusal = new Refusal(false, true);
    reconciler.submit("p", on(V1, "{\"port\":1}"), true);
    await().until(() -> runtime.ops.size() >= 3); // retried with backoff
    PluginReport r = reports.get("p");
    assertThat(r.state()).isEqualTo("ACTIVE");
    assertThat(r.error()).contains("config: refused port").contains("retrying");
    runtime.refuseConfigContaining = null; // e.g. the port became free
    awaitSettled();
    await().untilAsserted(() -> assertThat(reports.get("p").error()).isNull());
    assertThat(runtime.plugins.get("p").state()).isEqualTo(PluginState.ACTIVE);
  }

  @Test
  void aPermanentRefusalWithNothingServingIsFailedAndNotRetried() {
    start();
    runtime.refuseConfigContaining = "bad";
    runtime.refusal = new Refusal(true, false);
    reconciler.submit("p", on(V1, "{\"bad\":1}"), true);
    awaitState("p", "FAILED");
    awaitSettled();
    assertThat(reports.get("p").error()).contains("not retried until the desired state changes");
    assertThat(runtime.ops).hasSize(1);
  }
}
