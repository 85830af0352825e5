package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * In a 3-server ensemble, the server a Curator client is connected to is killed: the client goes SUSPENDED, then
 * RECONNECTED to another server in the same session; reads and writes work; the killed server restarts on its
 * port and catches up.
 */
class CuratorSurvivesServerKillIT {

    private static final Pattern REMOTE = Pattern.compile("remoteserver:\\S*?:(\\d+)");

    @RegisterExtension
    static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.servers(3);

    @Test
    void clientSurvivesTheKillOfItsServerAndTheServerRejoins() throws Exception {
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        try (CuratorFramework client = CuratorFrameworkFactory.newClient(zk.connectString(), 20_000, 10_000,
                new ExponentialBackoffRetry(100, 10))) {
            client.getConnectionStateListenable().addListener((c, state) -> states.add(state));
            client.start();
            assertThat(client.blockUntilConnected(60, TimeUnit.SECONDS)).isTrue();
            client.create().forPath("/before", bytes("1"));
            client.create().withMode(CreateMode.EPHEMERAL).forPath("/session-marker", bytes("mine"));
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();

            ZooKeeperEnsemble.Server connected = connectedServer(client);
            System.out.println("killing " + connected + " (the client's server)");
            connected.kill();

            await().atMost(Duration.ofSeconds(60)).until(() -> states.contains(ConnectionState.SUSPENDED));
            await().atMost(Duration.ofSeconds(60)).until(() -> states.contains(ConnectionState.RECONNECTED));
            assertThat(states).doesNotContain(ConnectionState.LOST);
            assertThat(client.getZookeeperClient().getZooKeeper().getSessionId()).isEqualTo(session);
            assertThat(client.checkExists().forPath("/session-marker")).as("ephemeral node of the same session").isNotNull();
            client.create().forPath("/during", bytes("2"));
            assertThat(text(client.getData().forPath("/before"))).isEqualTo("1");

            connected.start(); // same port, same data
            try (CuratorFramework direct = CuratorFrameworkFactory.newClient(connected.connectString(), 20_000, 10_000,
                    new ExponentialBackoffRetry(100, 10))) {
                direct.start();
                assertThat(direct.blockUntilConnected(60, TimeUnit.SECONDS)).isTrue();
                direct.sync().forPath("/during");
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> text(direct.getData().forPath("/during")).equals("2"));
            }
        }
        System.out.println("connection states: " + states);
        assertThat(states).containsSubsequence(ConnectionState.CONNECTED, ConnectionState.SUSPENDED,
                ConnectionState.RECONNECTED);
    }

    private static ZooKeeperEnsemble.Server connectedServer(CuratorFramework client) throws Exception {
        String description = client.getZookeeperClient().getZooKeeper().toString();
        Matcher m = REMOTE.matcher(description);
        assertThat(m.find()).as("remote server in %s", description).isTrue();
        int port = Integer.parseInt(m.group(1));
        for (int i = 0; i < zk.size(); i++) {
            if (zk.server(i).clientPort() == port) {
                return zk.server(i);
            }
        }
        throw new AssertionError("client connected to port " + port + ", not a server of " + zk.connectString());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
