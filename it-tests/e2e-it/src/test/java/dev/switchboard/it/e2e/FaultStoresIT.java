package dev.switchboard.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 3, store faults: an etcd member and the etcd leader killed and restarted, the ZooKeeper server
 * a sidecar is connected to killed, a sidecar's ZooKeeper session expired, a whole store frozen for 10 s. After each
 * fault, flips written during and after it reach every pod and the {@link Checker} finds nothing lost (final state =
 * last write, order kept, no undesired plugin, both stores equal). Convergence times are printed
 * ({@code E2E fault <name>: converged in <ms> ms}), never asserted; behaviour is asserted with generous timeouts.
 *
 * <p>The tests run in a fixed order on one topology (the topology heals every fault before the next test): the
 * session-expiry test runs before the etcd freeze, so the freeze (which makes the sidecars read their desired state
 * from ZooKeeper) also proves that the ZooKeeper watch of a sidecar whose session expired works.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultStoresIT {
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
    FaultReport.printSummary("FaultStoresIT");
  }

  /** Writes {@code enabled} in {@code store}, waits until every pod shows it, prints the time since the write. */
  static Duration flip(Checker c, String fault, Store store, boolean on) {
    return FaultFlips.flip(SYSTEM, c, fault, store, on);
  }

  /** A flip while a store is frozen: nothing can be mirrored until the thaw. */
  static Duration flipUnsettled(Checker c, String fault, Store store, boolean on) {
    return FaultFlips.flipUnsettled(SYSTEM, c, fault, store, on);
  }

  @Test
  @Order(1)
  void anEtcdFollowerKilledAndRestartedLosesNoFlip() {
    EtcdCluster etcd = SYSTEM.etcd();
    int follower = await().atMost(LONG).until(() -> FaultEtcd.followerIndex(etcd.endpointList()), i -> i >= 0);
    try (Checker c = SYSTEM.checker("fault etcd-follower")) {
      c.observe(Duration.ofMillis(50));
      etcd.member(follower).kill();
      flip(c, "etcd-follower-killed", Store.ETCD, false);
      flip(c, "etcd-follower-killed", Store.ZOOKEEPER, true);
      etcd.member(follower).start();
      flip(c, "etcd-follower-restarted", Store.ETCD, false);
      flip(c, "etcd-follower-restarted", Store.ETCD, true);
      c.verify();
    }
  }

  @Test
  @Order(2)
  void theEtcdLeaderKilledAndRestartedLosesNoFlip() {
    EtcdCluster etcd = SYSTEM.etcd();
    int leader = await().atMost(LONG).until(() -> FaultEtcd.leaderIndex(etcd.endpointList()), i -> i >= 0);
    try (Checker c = SYSTEM.checker("fault etcd-leader")) {
      c.observe(Duration.ofMillis(50));
      etcd.member(leader).kill();
      long killed = System.nanoTime();
      SYSTEM.flags().enable(Store.ETCD, PLUGIN, false); // retried by Flags while the others elect a leader
      long acknowledged = System.nanoTime();
      Duration d = c.awaitConverged("etcd leader killed: etcd enabled=false", killed, LONG);
      FaultReport.converged("etcd-leader-killed (etcd write enabled=false)", d.toMillis(), "since the kill, election and the"
          + " writer's retries included; the write was acknowledged " + (acknowledged - killed) / 1_000_000 + " ms after the kill");
      c.awaitStoresEqual(LONG);
      int next = await().atMost(LONG).until(() -> FaultEtcd.leaderIndex(etcd.endpointList()), i -> i >= 0);
      assertThat(next).as("a new leader among the survivors").isNotEqualTo(leader);
      flip(c, "etcd-leader-killed", Store.ZOOKEEPER, true);
      etcd.member(leader).start();
      flip(c, "etcd-leader-restarted", Store.ETCD, false);
      flip(c, "etcd-leader-restarted", Store.ZOOKEEPER, true);
      c.verify();
    }
  }

  @Test
  @Order(3)
  void theZooKeeperServerASidecarUsesKilledLosesNoFlip() throws Exception {
    ZooKeeperEnsemble zk = SYSTEM.zooKeeper();
    Pod pod = SYSTEM.pod(0);
    long session = await().atMost(LONG).ignoreExceptions()
        .until(() -> FaultZooKeeper.ephemeralOwner(zk.connectString(), SYSTEM.flags().agentStatusKey(pod.node())), s -> s != 0);
    int server = await().atMost(LONG).until(() -> FaultZooKeeper.serverHolding(clientPorts(zk), session), i -> i >= 0);
    System.out.printf("e2e: %s's ZooKeeper session %s is on %s (%s)%n", pod, FaultZooKeeper.hex(session), zk.server(server).name(),
        FaultZooKeeper.mode(zk.server(server).clientPort()));
    try (Checker c = SYSTEM.checker("fault zookeeper-server")) {
      c.observe(Duration.ofMillis(50));
      zk.server(server).kill();
      long killed = System.nanoTime();
      SYSTEM.flags().enable(Store.ZOOKEEPER, PLUGIN, false);
      long acknowledged = System.nanoTime();
      Duration d = c.awaitConverged("zookeeper server killed: zookeeper enabled=false", killed, LONG);
      FaultReport.converged("zookeeper-server-killed (zookeeper write enabled=false)", d.toMillis(), "since the kill; the write was"
          + " acknowledged " + (acknowledged - killed) / 1_000_000 + " ms after the kill");
      c.awaitStoresEqual(LONG);
      flip(c, "zookeeper-server-killed", Store.ETCD, true);
      // the sidecar moved to a surviving server: its ephemeral status key is there, owned by a session a survivor holds
      // (normally the same session; a new one if the move took longer than the session timeout on a loaded machine)
      long[] owner = new long[1];
      await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
        owner[0] = FaultZooKeeper.ephemeralOwner(zk.connectString(), SYSTEM.flags().agentStatusKey(pod.node()));
        assertThat(owner[0]).as("owner of the agent's status key after the server died").isNotZero();
        assertThat(FaultZooKeeper.serverHolding(clientPorts(zk), owner[0])).as("server holding the session").isNotIn(-1, server);
      });
      System.out.printf("e2e: %s's ZooKeeper session after the kill: %s (%s)%n", pod, FaultZooKeeper.hex(owner[0]),
          owner[0] == session ? "the same session, moved to a surviving server" : "a new session");
      zk.server(server).start();
      flip(c, "zookeeper-server-restarted", Store.ZOOKEEPER, false);
      flip(c, "zookeeper-server-restarted", Store.ETCD, true);
      c.verify();
    }
  }

  @Test
  @Order(4)
  void aSidecarsZooKeeperSessionExpiredComesBackWithItsStatusKeysAndLosesNoFlip() throws Exception {
    ZooKeeperEnsemble zk = SYSTEM.zooKeeper();
    Pod pod = SYSTEM.pod(0);
    String agentKey = SYSTEM.flags().agentStatusKey(pod.node());
    String pluginKey = SYSTEM.flags().statusKey(pod.node(), PLUGIN);
    long session = await().atMost(LONG).ignoreExceptions()
        .until(() -> FaultZooKeeper.ephemeralOwner(zk.connectString(), agentKey), s -> s != 0);
    assertThat(FaultZooKeeper.ephemeralOwner(zk.connectString(), pluginKey)).as("owner of the plugin status key").isEqualTo(session);
    try (Checker c = SYSTEM.checker("fault zookeeper-session")) {
      c.observe(Duration.ofMillis(50));
      FaultZooKeeper.expire(zk.connectString(), session);
      long expired = System.nanoTime();
      System.out.printf("e2e: expired %s's ZooKeeper session %s%n", pod, FaultZooKeeper.hex(session));
      SYSTEM.flags().enable(Store.ZOOKEEPER, PLUGIN, false);
      Duration d = c.awaitConverged("session expired: zookeeper enabled=false", expired, LONG);
      FaultReport.converged("zookeeper-session-expired (zookeeper write enabled=false)", d.toMillis(), "since the expiry");
      c.awaitStoresEqual(LONG);
      // a new session re-creates the ephemeral status keys with the current values
      long[] owners = new long[2];
      await().atMost(LONG).pollInterval(Duration.ofMillis(50)).ignoreExceptions().untilAsserted(() -> {
        owners[0] = FaultZooKeeper.ephemeralOwner(zk.connectString(), agentKey);
        owners[1] = FaultZooKeeper.ephemeralOwner(zk.connectString(), pluginKey);
        assertThat(owners[0]).as("owner of " + agentKey).isNotIn(0L, session);
        assertThat(owners[1]).as("owner of " + pluginKey).isEqualTo(owners[0]);
      });
      FaultReport.converged("zookeeper-session-expired (status keys re-created by a new session)", FaultReport.since(expired), "since the expiry");
      await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
        JsonNode st = Pod.JSON.readTree(SYSTEM.flags().get(Store.ZOOKEEPER, pluginKey).orElseThrow());
        assertThat(st.path("desired").asBoolean()).as("plugin status in ZooKeeper after the new session: " + st).isFalse();
        assertThat(st.path("state").asText()).isEqualTo("INACTIVE");
        assertThat(pod.sidecar().status().path("agent").path("stores").path("zookeeper").asText()).isEqualTo("connected");
      });
      flip(c, "zookeeper-session-expired", Store.ZOOKEEPER, true);
      flip(c, "zookeeper-session-expired", Store.ETCD, false);
      flip(c, "zookeeper-session-expired", Store.ETCD, true);
      c.verify();
    }
  }

  @Test
  @Order(5)
  void etcdFrozenForTenSecondsSidecarsFollowZooKeeperAndNothingIsLostAfterTheThaw() {
    EtcdCluster etcd = SYSTEM.etcd();
    try (Checker c = SYSTEM.checker("fault etcd-frozen")) {
      c.observe(Duration.ofMillis(50));
      long frozen = System.nanoTime();
      for (int i = 0; i < etcd.size(); i++) etcd.member(i).pause();
      try {
        // the sidecars prefer etcd; with etcd silent they must fall back to ZooKeeper's view
        flipUnsettled(c, "etcd-frozen", Store.ZOOKEEPER, false);
        flipUnsettled(c, "etcd-frozen", Store.ZOOKEEPER, true);
        long left = Duration.ofSeconds(10).toNanos() - (System.nanoTime() - frozen);
        if (left > 0) DistCopy.sleep(left / 1_000_000);
      } finally {
        for (int i = 0; i < etcd.size(); i++) etcd.member(i).unpause();
      }
      long thawed = System.nanoTime();
      System.out.printf("e2e: etcd frozen for %d ms%n", (thawed - frozen) / 1_000_000);
      Duration eq = c.awaitStoresEqual(LONG);
      FaultReport.converged("etcd-frozen (stores equal again after the thaw)", eq.toMillis(), "since the thaw");
      flip(c, "etcd-thawed", Store.ETCD, false);
      flip(c, "etcd-thawed", Store.ZOOKEEPER, true);
      c.verify();
    }
  }

  @Test
  @Order(6)
  void zooKeeperFrozenForTenSecondsLosesNoFlip() {
    ZooKeeperEnsemble zk = SYSTEM.zooKeeper();
    try (Checker c = SYSTEM.checker("fault zookeeper-frozen")) {
      c.observe(Duration.ofMillis(50));
      long frozen = System.nanoTime();
      for (int i = 0; i < zk.size(); i++) zk.server(i).pause();
      try {
        flipUnsettled(c, "zookeeper-frozen", Store.ETCD, false);
        flipUnsettled(c, "zookeeper-frozen", Store.ETCD, true);
        long left = Duration.ofSeconds(10).toNanos() - (System.nanoTime() - frozen);
        if (left > 0) DistCopy.sleep(left / 1_000_000);
      } finally {
        for (int i = 0; i < zk.size(); i++) zk.server(i).unpause();
      }
      long thawed = System.nanoTime();
      System.out.printf("e2e: ZooKeeper frozen for %d ms%n", (thawed - frozen) / 1_000_000);
      Duration eq = c.awaitStoresEqual(LONG);
      FaultReport.converged("zookeeper-frozen (stores equal again after the thaw)", eq.toMillis(), "since the thaw");
      flip(c, "zookeeper-thawed", Store.ZOOKEEPER, false);
      flip(c, "zookeeper-thawed", Store.ETCD, true);
      c.verify();
    }
  }

  static List<Integer> clientPorts(ZooKeeperEnsemble zk) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < zk.size(); i++) ports.add(zk.server(i).clientPort());
    return ports;
  }
}
