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
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Curator against the kit's real ZooKeeper: a create (and a change) arrives at a watching cache. */
class ZooKeeperCreateWatchRoundTripIT {

    @RegisterExtension
    static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.single();

    @Test
    void createAndChangeArriveAtTheWatchingCache() throws Exception {
        String path = "/switchboard/services/checkout/plugins/rate-limit/enabled";
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        try (CuratorFramework client = CuratorFrameworkFactory.newClient(zk.connectString(), 15_000, 10_000,
                new ExponentialBackoffRetry(100, 5))) {
            client.start();
            assertThat(client.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
            try (CuratorCache cache = CuratorCache.build(client, "/switchboard")) {
                cache.listenable().addListener(CuratorCacheListener.builder()
                        .forCreates(node -> {
                            if (node.getPath().equals(path)) {
                                arrivals.add(System.nanoTime());
                                seen.add("CREATE=" + new String(node.getData(), StandardCharsets.UTF_8));
                            }
                        })
                        .forChanges((before, after) -> seen.add("CHANGE=" + new String(after.getData(), StandardCharsets.UTF_8)))
                        .build());
                cache.start();

                long sent = System.nanoTime();
                client.create().creatingParentsIfNeeded().forPath(path, "true".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1);
                System.out.printf("ZooKeeper create -> cache event: %.2f ms%n", (arrivals.get(0) - sent) / 1e6);

                client.setData().forPath(path, "false".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 2);
            }
        }
        assertThat(seen).containsExactly("CREATE=true", "CHANGE=false");
    }
}
