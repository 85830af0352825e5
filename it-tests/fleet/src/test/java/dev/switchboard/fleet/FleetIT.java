package dev.switchboard.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A small fleet in this JVM (20 agents, each with its own etcd and ZooKeeper sessions, the real desired-state feed,
 * reconciler and status publisher, and a stand-in host) against one real etcd and one real ZooKeeper: every agent
 * converges after a flip on and off, through a rollout 10 → 50 → 100 %, and after an etcd restart and a ZooKeeper
 * restart. Each step waits until every agent reports the expected state and fails otherwise; no timing is asserted
 * (the figures are printed; the bench profile runs 100 to 1,000 agents: BENCHMARKS.md).
 */
class FleetIT {
  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.single();
  @RegisterExtension static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.single();
  static final int N = 20;

  @Test
  void everyAgentConvergesAfterFlipsARolloutAndRestartsOfBothStores() throws Exception {
    String root = "/switchboard";
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    FleetResult result = new FleetResult();
    try (KeySpace e = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).operationTimeout(Duration.ofSeconds(30)).build());
        KeySpace z = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).operationTimeout(Duration.ofSeconds(30)).build())) {
      FleetRun.seed(e, root, "fleet", "rh");
      FleetRun.seed(z, root, "fleet", "rh");
      List<FleetAgent> agents = FleetWorker.start(etcd.endpoints(), zk.connectString(), root, "fleet", 0, N, Duration.ofMillis(20), timer);
      Set<String> nodes = new TreeSet<>();
      agents.forEach(a -> nodes.add(a.node()));
      FleetRun run = new FleetRun(root, "fleet", "rh", nodes, e, z, etcd.endpointList().get(0), zk.connectString(),
          Duration.ofSeconds(60), result);
      try {
        run.awaitStarted();
        run.flips();
        run.rollout();
        run.restart("etcd", etcd.member(0));
        run.restart("zookeeper", zk.server(0));
      } finally {
        run.close();
        agents.forEach(FleetAgent::close);
        timer.shutdownNow();
      }
    }
    System.out.println(result.table());
    assertThat(result.rows()).extracting(FleetResult.Row::metric)
        .contains("flip → live on 20 agents (agent's status since − write)",
            "after etcd restart: flip → live on 20 agents (agent's status since − write)",
            "after zookeeper restart: flip → not live on 20 agents (agent's status since − write)");
  }
}
