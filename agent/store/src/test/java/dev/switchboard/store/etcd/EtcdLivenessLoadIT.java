package dev.switchboard.store.etcd;

import static dev.switchboard.store.Recorder.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.Recorder;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.Watch;
import dev.switchboard.testkit.EtcdCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one agent's etcd session costs etcd, counted by etcd itself (its gRPC server metrics): a fleet of a thousand
 * agents multiplies it, so a quiet agent must not read, and an etcd restart must not make it write its keys again.
 */
class EtcdLivenessLoadIT {
  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.single();

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** A short lease: its keep-alives (every TTL/3 = 1 s) are the clock of these tests. */
  private static EtcdOptions options() {
    return EtcdOptions.builder(etcd.endpoints()).leaseTtl(Duration.ofSeconds(3)).build();
  }

  @Test
  void anAgentWhoseKeepAlivesAreAnsweredSendsNoProbeReadsAndNoLeaseChecks() throws Exception {
    String p = "/quiet-" + System.nanoTime();
    try (EtcdKeySpace ks = EtcdKeySpace.open(options())) {
      putLive(ks, p + "/status");
      Recorder r = new Recorder();
      try (Watch w = ks.watch(p, r)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> r.synced >= 1 && ks.state() == StoreState.CONNECTED);
        long reads = count("grpc_server_handled_total", "Range");
        long leaseChecks = count("grpc_server_handled_total", "LeaseTimeToLive");
        long keepAlives = count("grpc_server_msg_received_total", "LeaseKeepAlive");
        // six keep-alive rounds: six seconds in which the old probe sent six reads and six lease checks
        await().atMost(Duration.ofSeconds(60)).until(() -> count("grpc_server_msg_received_total", "LeaseKeepAlive") >= keepAlives + 6);
        long readsSent = count("grpc_server_handled_total", "Range") - reads;
        long checksSent = count("grpc_server_handled_total", "LeaseTimeToLive") - leaseChecks;
        System.out.println("during 6 keep-alive rounds: " + readsSent + " range read(s), " + checksSent + " lease check(s)");
        assertThat(readsSent).as("range reads while the keep-alives were answered").isLessThanOrEqualTo(1);
        assertThat(checksSent).as("lease time-to-live requests while the keep-alives were answered").isZero();
        assertThat(ks.state()).isEqualTo(StoreState.CONNECTED);
      }
    }
  }

  @Test
  void aLeaseThatOutlivesAnEtcdRestartIsKeptAndNoLiveKeyIsWrittenAgain() throws Exception {
    String k = "/kept-" + System.nanoTime() + "/status";
    try (EtcdKeySpace ks = EtcdKeySpace.open(options());
        Client raw = Client.builder().endpoints(etcd.member(0).endpoint()).build()) {
      putLive(ks, k);
      KeyValue before = raw.getKVClient().get(bs(k)).get(10, TimeUnit.SECONDS).getKvs().get(0);
      etcd.member(0).kill();
      etcd.member(0).start();
      // etcd's counters start at zero again: three keep-alives on the fresh server prove the session is back
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> count("grpc_server_msg_received_total", "LeaseKeepAlive") >= 3);
      await().atMost(Duration.ofSeconds(30)).until(() -> ks.state() == StoreState.CONNECTED);
      KeyValue after = raw.getKVClient().get(bs(k)).get(10, TimeUnit.SECONDS).getKvs().get(0);
      System.out.println("lease before the restart " + Long.toHexString(before.getLease()) + ", after " + Long.toHexString(after.getLease())
          + "; key revision " + before.getModRevision() + " -> " + after.getModRevision() + "; leases restored " + ks.live.restores());
      assertThat(after.getLease()).as("the key's lease").isEqualTo(before.getLease());
      assertThat(after.getModRevision()).as("the key's mod revision (not written again)").isEqualTo(before.getModRevision());
      assertThat(ks.live.restores()).as("leases granted after a loss").isZero();
    }
  }

  @Test
  void aLeaseEtcdKeepsRefusingIsAskedForWithAGrowingBackoffNotOnEveryProbe() throws Exception {
    // etcd refuses a TTL above 9e9 s ("too large lease TTL") while it answers everything else: every restore fails
    EtcdOptions refused = EtcdOptions.builder(etcd.member(0).endpoint()).leaseTtl(Duration.ofSeconds(9_000_000_001L)).build();
    long grants = count("grpc_server_handled_total", "LeaseGrant");
    try (EtcdKeySpace ks = EtcdKeySpace.open(refused)) {
      assertThat(ks.putLive("/refused-" + System.nanoTime() + "/status", b("up")))
          .as("the first write, whose lease etcd refuses")
          .failsWithin(Duration.ofSeconds(20));
      await().atMost(Duration.ofSeconds(20)).until(() -> ks.state() == StoreState.CONNECTED);
      long first = count("grpc_server_handled_total", "LeaseGrant") - grants;
      // twelve seconds of a connected etcd refusing every grant: the old probe thread asked on every probe (12 times);
      // the backoff (0.5–1 s, then 1–2, 2–4, 4–8 s) asks at most four times
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> System.nanoTime() - until >= 0);
      long asked = count("grpc_server_handled_total", "LeaseGrant") - grants - first;
      System.out.println("lease grants refused in 12 s while etcd answered: " + asked + " (plus " + first + " with the first write)");
      assertThat(asked).as("grant attempts in 12 s").isBetween(2L, 5L);
      assertThat(ks.state()).isEqualTo(StoreState.CONNECTED);
    }
  }

  @Test
  void aKeyEtcdRefusesDoesNotKeepTheOtherLiveKeysFromComingBackAfterALeaseLoss() throws Exception {
    String p = "/refused-one-" + System.nanoTime();
    // etcd refuses requests above 1.5 MiB: this key's every write fails, the others' succeed
    EtcdOptions big = EtcdOptions.builder(etcd.member(0).endpoint()).leaseTtl(Duration.ofSeconds(3)).maxValueBytes(4 * 1024 * 1024).build();
    try (EtcdKeySpace ks = EtcdKeySpace.open(big);
        Client raw = Client.builder().endpoints(etcd.member(0).endpoint()).build()) {
      java.util.List<String> small = new java.util.ArrayList<>();
      for (int i = 0; i < 12; i++) {
        small.add(p + "/k" + i);
        putLive(ks, p + "/k" + i);
      }
      assertThat(ks.putLive(p + "/huge", new byte[2 * 1024 * 1024])).as("a 2 MiB live write").failsWithin(Duration.ofSeconds(30));
      long lease = raw.getKVClient().get(bs(small.get(0))).get(10, TimeUnit.SECONDS).getKvs().get(0).getLease();
      raw.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        for (String k : small) {
          assertThat(raw.getKVClient().get(bs(k)).get(10, TimeUnit.SECONDS).getKvs()).as("%s after the lease loss", k).hasSize(1);
        }
      });
    }
  }

  /** A loaded machine can let a 3 s lease expire between its grant and the first write: the write is retried. */
  private static void putLive(EtcdKeySpace ks, String key) {
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
      ks.putLive(key, b("up")).get(20, TimeUnit.SECONDS);
      return true;
    });
  }

  /** The sum over all result codes of {@code metric} for the gRPC method {@code method}, read from etcd's /metrics. */
  private static long count(String metric, String method) throws Exception {
    String body =
        HTTP.send(HttpRequest.newBuilder(URI.create(etcd.member(0).endpoint() + "/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = Pattern.compile("(?m)^" + metric + "\\{[^}]*grpc_method=\"" + method + "\"[^}]*\\} (\\S+)$").matcher(body);
    long sum = 0;
    boolean found = false;
    while (m.find()) {
      sum += (long) Double.parseDouble(m.group(1));
      found = true;
    }
    assertThat(found).as(metric + " for " + method + " in etcd's /metrics").isTrue();
    return sum;
  }
}
