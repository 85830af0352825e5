package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** jetcd against the kit's real etcd: a put arrives at a watch on the key. */
class EtcdPutWatchRoundTripIT {

    @RegisterExtension
    static final EtcdCluster etcd = EtcdCluster.single();

    @Test
    void putArrivesAtTheWatchOfItsKey() throws Exception {
        ByteSequence key = bytes("/switchboard/services/checkout/plugins/rate-limit/enabled");
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (Client client = Client.builder().endpoints(etcd.endpointList().toArray(String[]::new)).build();
             Watch.Watcher watcher = client.getWatchClient().watch(key, Watch.listener(response -> {
                 for (WatchEvent event : response.getEvents()) {
                     arrivals.add(System.nanoTime());
                     seen.add(event.getEventType() + "=" + event.getKeyValue().getValue().toString(StandardCharsets.UTF_8));
                 }
             }, errors::add))) {
            long sent = System.nanoTime();
            client.getKVClient().put(key, bytes("true")).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1);
            System.out.printf("etcd put -> watch event: %.2f ms%n", (arrivals.get(0) - sent) / 1e6);
            client.getKVClient().delete(key).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 2);
        }
        assertThat(seen).containsExactly("PUT=true", "DELETE=");
        assertThat(errors).isEmpty();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
