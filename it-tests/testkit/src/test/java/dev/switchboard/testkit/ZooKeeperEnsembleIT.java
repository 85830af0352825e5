package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testkit.internal.Probes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kit's standalone ZooKeeper: kill, stop, pause and restart on the same port with the same data. */
class ZooKeeperEnsembleIT {

    @RegisterExtension
    static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.single();

    @Test
    void killedServerRestartsOnTheSamePortWithItsData() throws Exception {
        ZooKeeperEnsemble.Server server = zk.server(0);
        assertThat(server.id()).isEqualTo(1);
        assertThat(zk.connectString()).isEqualTo(server.connectString()).startsWith("127.0.0.1:");
        write("/kit-kill", "before");

        server.kill();
        assertThat(Probes.zooKeeperServing(server.clientPort())).isFalse();

        server.start();
        assertThat(server.connectString()).isEqualTo(zk.connectString());
        assertThat(read("/kit-kill")).isEqualTo("before");
    }

    @Test
    void stoppedServerRestartsWithItsData() throws Exception {
        write("/kit-stop", "kept");
        zk.server(0).stop();
        assertThat(zk.server(0).state()).isEqualTo(NodeState.STOPPED);
        zk.server(0).start();
        assertThat(read("/kit-stop")).isEqualTo("kept");
    }

    @Test
    void pausedServerAnswersNothingUntilUnpaused() {
        ZooKeeperEnsemble.Server server = zk.server(0);
        server.pause();
        assertThat(Probes.fourLetterWord(server.clientPort(), "ruok")).isNull();
        server.unpause();
        await().atMost(Duration.ofSeconds(30)).until(() -> Probes.zooKeeperServing(server.clientPort()));
    }

    private static void write(String path, String value) throws Exception {
        try (CuratorFramework client = client()) {
            client.create().orSetData().forPath(path, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String read(String path) throws Exception {
        try (CuratorFramework client = client()) {
            return new String(client.getData().forPath(path), StandardCharsets.UTF_8);
        }
    }

    private static CuratorFramework client() throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(zk.connectString())
                .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(200)).build();
        client.start();
        assertThat(client.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return client;
    }
}
