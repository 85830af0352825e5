package dev.switchboard.sidecar.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.sidecar.reconcile.PluginReport;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.testkit.EtcdCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Status writes are coalesced per key: while a write of a key is on its way to a store, newer values of that key
 * replace each other and only the newest is written next. A burst of reports (a fleet-wide flip makes every agent
 * report FETCHING, LOADING, STARTING, ACTIVE within milliseconds) costs the store fewer writes than reports, and the
 * newest value always lands. Checked against a real etcd through its own transaction counter.
 */
class StatusPublisherCoalescingIT {
  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.single();
  static final int REPORTS = 300;

  @Test
  void aBurstOfReportsOfOnePluginCostsFewerStoreWritesThanReportsAndTheNewestLands() throws Exception {
    try (KeySpace ks = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).build())) {
      StatusPublisher p = new StatusPublisher(List.of(ks), "/switchboard", "shop", "node-1");
      String key = "/switchboard/status/shop/node-1/plugins/rh";
      p.plugin(report(0));
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> ks.get(key).join().isPresent());
      long before = txns();
      for (int g = 1; g <= REPORTS; g++) p.plugin(report(g));
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> ks.get(key).join().map(e -> e.valueUtf8().contains("\"generation\":" + REPORTS)).orElse(false));
      long written = txns() - before;
      assertThat(written).as("etcd puts for %d reports", REPORTS).isPositive().isLessThan(REPORTS);
      p.close();
    }
  }

  @Test
  void aStoreThatComesBackWithItsLiveKeysGetsNoStatusWriteAgain() throws Exception {
    try (KeySpace ks = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).build());
        io.etcd.jetcd.Client raw = io.etcd.jetcd.Client.builder().endpoints(etcd.endpoints()).build()) {
      java.util.List<dev.switchboard.store.StoreState> states = new java.util.concurrent.CopyOnWriteArrayList<>();
      ks.addStateListener(states::add);
      StatusPublisher p = new StatusPublisher(List.of(ks), "/switchboard", "shop", "node-2");
      String key = "/switchboard/status/shop/node-2/plugins/rh";
      p.plugin(report(1));
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> ks.get(key).join().isPresent());
      long revision = modRevision(raw, key);
      // etcd keeps the lease over a restart: the adapter keeps the key, nothing needs writing again
      etcd.member(0).kill();
      await().atMost(Duration.ofSeconds(30)).until(() -> states.contains(dev.switchboard.store.StoreState.DISCONNECTED));
      etcd.member(0).start();
      await().atMost(Duration.ofSeconds(60)).until(() -> ks.state() == dev.switchboard.store.StoreState.CONNECTED);
      // a later key on the same ordered lane: once it landed, any re-write of the first key queued at the reconnect has too
      String later = "/switchboard/status/shop/node-2/plugins/other";
      p.plugin(new PluginReport("other", "ACTIVE", true, "1.0.0", "b".repeat(64), "2026-12-03T16:00:00.000Z", null, 1, true));
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> ks.get(later).join().isPresent());
      assertThat(modRevision(raw, key)).as("mod revision of %s after the restart", key).isEqualTo(revision);
      p.close();
    }
  }

  private static long modRevision(io.etcd.jetcd.Client raw, String key) throws Exception {
    return raw.getKVClient().get(io.etcd.jetcd.ByteSequence.from(key, StandardCharsets.UTF_8)).get(10, java.util.concurrent.TimeUnit.SECONDS).getKvs().get(0).getModRevision();
  }

  private static PluginReport report(long generation) {
    return new PluginReport("rh", generation % 2 == 0 ? "ACTIVE" : "STARTING", true, "1.0.0", "a".repeat(64),
        "2026-12-03T16:00:00.000Z", null, generation, true);
  }

  /** etcd's count of puts (a live write is one put inside a fenced transaction). */
  private static long txns() throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(etcd.endpointList().get(0) + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
    for (String line : body.split("\n")) {
      if (line.startsWith("etcd_mvcc_put_total ")) return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
    }
    throw new AssertionError("no etcd_mvcc_put_total in etcd's metrics");
  }
}
