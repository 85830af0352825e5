package dev.switchboard.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 3, process faults: a sidecar killed (its host keeps serving the plugins; the restarted sidecar
 * re-adopts the runtime without reloading anything), the host killed (the sidecar attaches to the new JVM and
 * restores its plugins), etcd compacted while sidecars are stopped or frozen, the leading bridge killed during a
 * stream of flips. After each fault, flips reach every pod and the {@link Checker} finds nothing lost. Convergence
 * times are printed ({@code E2E fault <name>: converged in <ms> ms}), never asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultProcessesIT {
  @RegisterExtension static final SystemTopology SYSTEM = SystemTopology.builder().build();
  static final String PLUGIN = FaultFlips.PLUGIN;
  static final String V1 = FaultFlips.V1;
  static final Duration LONG = FaultFlips.LONG;

  @BeforeAll
  static void pluginActiveOnEveryPod() {
    FaultFlips.activateOnEveryPod(SYSTEM);
  }

  @AfterAll
  static void summary() {
    FaultReport.printSummary("FaultProcessesIT");
  }

  static Duration flip(Checker c, String fault, Store store, boolean on) {
    return FaultFlips.flip(SYSTEM, c, fault, store, on);
  }

  /** The sidecar's "attached to runtime ... in pid ...; it reports N plugin(s)" lines, across container restarts. */
  static List<String> adoptions(Pod pod) {
    return pod.sidecar().logs().lines().filter(l -> l.contains("attached to runtime")).toList();
  }

  static int pluginStarts(Pod pod) {
    return (int) pod.host().logs().lines().filter(l -> l.contains(PLUGIN + ": adding")).count();
  }

  @Test
  @Order(1)
  void aKilledSidecarLeavesThePluginsServingAndItsSuccessorReAdoptsWithoutReloading() throws Exception {
    Pod pod = SYSTEM.pod(0);
    try (Checker c = SYSTEM.checker("fault sidecar-kill")) {
      c.observe(Duration.ofMillis(50));
      c.awaitConverged("before the kill");
      JsonNode before = pod.sidecar().plugin(PLUGIN);
      assertThat(before.path("state").asText()).isEqualTo("ACTIVE");
      int starts = pluginStarts(pod);
      assertThat(starts).as("plugin starts logged by the host").isPositive();
      int attaches = adoptions(pod).size();
      FaultLoad load = new FaultLoad(pod.node(), pod.host()::marker, V1, 20);
      long killed;
      long started;
      long readopted;
      try {
        DistCopy.sleep(500);
        pod.sidecar().kill();
        killed = System.nanoTime();
        DistCopy.sleep(2000); // the host serves on alone
        int servedAlone = load.ok();
        pod.sidecar().start();
        started = System.nanoTime();
        await().atMost(LONG).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
            .until(() -> pod.sidecar().ready() && pod.sidecar().plugin(PLUGIN).path("state").asText().equals("ACTIVE"));
        readopted = System.nanoTime();
        DistCopy.sleep(500);
        assertThat(servedAlone).as("requests answered while no sidecar ran").isPositive();
      } finally {
        load.close();
      }
      System.out.println("e2e: requests to " + pod + " during the sidecar kill and restart: " + load);
      FaultReport.converged("sidecar-killed (successor ready and re-adopted)", (readopted - started) / 1_000_000,
          "since the new sidecar container started; " + (readopted - killed) / 1_000_000 + " ms since the kill");
      assertThat(load.wrong()).as("responses without " + V1 + ": " + load).isZero();
      assertThat(load.failed()).as("failed requests: " + load).isZero();
      JsonNode after = pod.sidecar().plugin(PLUGIN);
      assertThat(pluginStarts(pod)).as("plugin starts in the host after the re-adoption (no reload)").isEqualTo(starts);
      assertThat(after.path("since").asText()).as("ACTIVE since, before and after the re-adoption").isEqualTo(before.path("since").asText());
      List<String> adoptions = adoptions(pod);
      assertThat(adoptions).as("attachments logged by the sidecar container").hasSize(attaches + 1);
      assertThat(adoptions.get(adoptions.size() - 1)).as("the successor found the running plugin in the runtime").contains("it reports 1 plugin(s)");
      // the successor drives the runtime it adopted
      flip(c, "sidecar-killed", Store.ETCD, false);
      flip(c, "sidecar-killed", Store.ZOOKEEPER, true);
      c.verify();
    }
  }

  @Test
  @Order(2)
  void aKilledHostIsFoundAgainAndItsPluginsRestoredInTheNewJvm() {
    Pod pod = SYSTEM.pod(1);
    try (Checker c = SYSTEM.checker("fault host-kill")) {
      c.observe(Duration.ofMillis(50));
      c.awaitConverged("before the kill");
      long oldPid = pod.sidecar().status().path("agent").path("hostPid").asLong();
      int starts = pluginStarts(pod);
      pod.host().kill();
      long killed = System.nanoTime();
      pod.host().start(); // returns when the new JVM answers HTTP (without plugins)
      long listening = System.nanoTime();
      Duration d = c.awaitConverged("host restarted: plugins restored", listening, LONG);
      FaultReport.converged("host-killed (plugins restored in the new host JVM)", d.toMillis(),
          "since the new host listened; " + FaultReport.since(killed) + " ms since the kill");
      await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
        JsonNode agent = pod.sidecar().status().path("agent");
        assertThat(agent.path("attached").asBoolean()).isTrue();
        assertThat(agent.path("hostPid").asLong()).as("hostPid (the pid inside the pod) of a new JVM").isPositive();
      });
      System.out.printf("e2e: %s host pid %d -> %d%n", pod, oldPid, pod.sidecar().status().path("agent").path("hostPid").asLong());
      assertThat(pluginStarts(pod)).as("plugin starts logged by the host container (old JVM + the restore)").isEqualTo(starts + 1);
      flip(c, "host-killed", Store.ZOOKEEPER, false);
      flip(c, "host-killed", Store.ETCD, true);
      c.verify();
    }
  }

  @Test
  @Order(3)
  void etcdCompactedWhileOneSidecarIsStoppedAndTheOtherFrozenLosesNoFlip() throws Exception {
    Pod stopped = SYSTEM.pod(0);
    Pod frozen = SYSTEM.pod(1);
    try (Checker c = SYSTEM.checker("fault compaction")) {
      c.observe(Duration.ofMillis(50));
      c.awaitConverged("before the stop");
      stopped.sidecar().stop();
      frozen.sidecar().pause();
      long thawed = 0;
      long started = 0;
      try {
        // a burst of flips (ending on "disabled") while neither sidecar can see them, then the history is compacted away
        // (etcd only: writes of one key racing in both stores are conflicts by design, see docs/bridge.md)
        for (int i = 0; i < 15; i++) SYSTEM.flags().enable(Store.ETCD, PLUGIN, i % 2 == 1);
        SYSTEM.flags().enable(Store.ETCD, PLUGIN, false);
        c.awaitStoresEqual(LONG);
        long revision = FaultEtcd.compact(SYSTEM.etcd().endpointList().get(0));
        System.out.println("e2e: etcd compacted at revision " + revision + " while " + stopped + "'s sidecar was stopped and "
            + frozen + "'s frozen");
        for (Pod p : SYSTEM.pods()) {
          assertThat(p.host().marker()).as(p + ": nothing flips while its sidecar does not run").contains(V1);
        }
      } finally {
        thawed = System.nanoTime();
        frozen.sidecar().unpause();
        stopped.sidecar().start(); // returns when its /healthz answers
        started = System.nanoTime();
      }
      Duration d = c.awaitConverged("sidecars back after the compaction", thawed, LONG);
      FaultReport.converged("etcd-compacted-while-sidecars-stopped (both pods on the last write)", d.toMillis(),
          "since " + frozen + "'s sidecar thawed; " + (started - thawed) / 1_000_000 + " ms of it starting " + stopped
          + "'s sidecar container until /healthz");
      flip(c, "etcd-compacted", Store.ETCD, true);
      flip(c, "etcd-compacted", Store.ZOOKEEPER, false);
      flip(c, "etcd-compacted", Store.ETCD, true);
      c.verify();
    }
  }

  @Test
  @Order(4)
  void theLeadingBridgeKilledDuringAStreamOfFlipsLosesNone() throws Exception {
    Bridge leader = await().atMost(LONG).until(SYSTEM::leader, java.util.Optional::isPresent).orElseThrow();
    Bridge standby = SYSTEM.bridges().stream().filter(b -> b != leader).findFirst().orElseThrow();
    Pod a = SYSTEM.pod(0);
    String override = SYSTEM.flags().nodeKey(a.node(), PLUGIN);
    try (Checker c = SYSTEM.checker("fault bridge-leader")) {
      c.observe(Duration.ofMillis(50));
      // pod-a's override exists before the streams start: without it pod-a follows 'enabled' from etcd until the
      // first override arrives through the bridge, and an etcd flip written right after that ZooKeeper write reaches
      // the sidecar first (directly) — a cross-store order no system with a bridge keeps, not what this test is about
      SYSTEM.flags().put(Store.ZOOKEEPER, override, "true");
      c.awaitStoresEqual(LONG);
      c.awaitConverged("pod-a's override set through ZooKeeper before the streams");
      // two writers at once, on different keys so the stores never race on one key: etcd flips 'enabled'
      // (pod-b follows it), ZooKeeper flips pod-a's per-node override (reaches the sidecars through the bridge)
      CountDownLatch twenty = new CountDownLatch(20);
      CompletableFuture<Void> etcdStream = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 60; i++) {
          SYSTEM.flags().enable(Store.ETCD, PLUGIN, i % 2 == 1);
          twenty.countDown();
          DistCopy.sleep(100);
        }
      });
      CompletableFuture<Void> zkStream = CompletableFuture.runAsync(() -> {
        for (int i = 1; i <= 40; i++) {
          SYSTEM.flags().put(Store.ZOOKEEPER, override, String.valueOf(i % 2 == 0));
          DistCopy.sleep(150);
        }
      });
      assertThat(twenty.await(60, TimeUnit.SECONDS)).as("the stream started").isTrue();
      leader.kill();
      long killed = System.nanoTime();
      System.out.println("e2e: killed the leading bridge " + leader + " during the stream");
      await().atMost(LONG).pollInterval(Duration.ofMillis(100)).until(standby::leader);
      FaultReport.converged("bridge-leader-killed (standby " + standby + " leads)", FaultReport.since(killed), "since the kill");
      CompletableFuture.allOf(etcdStream, zkStream).get(120, TimeUnit.SECONDS);
      Duration d = c.awaitConverged("stream over after the leader was killed");
      FaultReport.converged("bridge-leader-killed (every pod on the last writes of the stream)", d.toMillis(), "since the last write");
      Duration eq = c.awaitStoresEqual(LONG);
      FaultReport.converged("bridge-leader-killed (stores equal)", eq.toMillis() + d.toMillis(), "since the last write");
      leader.start();
      SYSTEM.flags().delete(Store.ZOOKEEPER, override);
      c.awaitConverged("override removed");
      flip(c, "bridge-leader-killed", Store.ZOOKEEPER, true);
      c.verify();
      assertThat(SYSTEM.bridges().stream().filter(Bridge::leader).count()).as("bridges leading after the restart").isEqualTo(1);
    }
  }
}
