package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The only ZooKeeper server is killed and restarted on its port: Curator reconnects in the same session. */
class CuratorSurvivesStandaloneRestartIT {

    @RegisterExtension
    static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.single();

    @Test
    void clientReconnectsInTheSameSessionAfterTheServerIsKilledAndRestarted() throws Exception {
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        try (CuratorFramework client = CuratorFrameworkFactory.newClient(zk.connectString(), 20_000, 10_000,
                new ExponentialBackoffRetry(100, 10))) {
            client.getConnectionStateListenable().addListener((c, state) -> states.add(state));
            client.start();
            assertThat(client.blockUntilConnected(60, TimeUnit.SECONDS)).isTrue();
            client.create().withMode(CreateMode.EPHEMERAL).forPath("/marker", "x".getBytes(StandardCharsets.UTF_8));
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();

            zk.server(0).kill();
            await().atMost(Duration.ofSeconds(60)).until(() -> states.contains(ConnectionState.SUSPENDED));
            zk.server(0).start();
            await().atMost(Duration.ofSeconds(60)).until(() -> states.contains(ConnectionState.RECONNECTED));

            assertThat(client.getZookeeperClient().getZooKeeper().getSessionId()).isEqualTo(session);
            assertThat(client.checkExists().forPath("/marker")).isNotNull();
            client.create().forPath("/after", "y".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(client.getData().forPath("/after"), StandardCharsets.UTF_8)).isEqualTo("y");
        }
        System.out.println("connection states: " + states);
        assertThat(states).containsSubsequence(ConnectionState.CONNECTED, ConnectionState.SUSPENDED,
                ConnectionState.RECONNECTED).doesNotContain(ConnectionState.LOST);
    }
}
