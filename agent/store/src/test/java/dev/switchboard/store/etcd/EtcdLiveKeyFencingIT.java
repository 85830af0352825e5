package dev.switchboard.store.etcd;

import static dev.switchboard.store.Recorder.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.testkit.EtcdCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A live write that timed out may still reach etcd later: here it waits in a frozen follower
 * while a newer write of the same key succeeds through another member. When the follower thaws,
 * the late request must not put the older value back.
 */
class EtcdLiveKeyFencingIT {
  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(3);

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Test
  void aTimedOutLiveWriteThatLandsLateDoesNotOverwriteANewerValue() throws Exception {
    String k = "/status/shop/pod-a/agent";
    EtcdOptions options =
        EtcdOptions.builder(etcd.endpoints()).operationTimeout(Duration.ofSeconds(2)).leaseTtl(Duration.ofSeconds(60)).build();
    try (KeySpace ks = EtcdKeySpace.open(options);
        Client raw = Client.builder().endpoints(etcd.member(0).endpoint()).build()) {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
        ks.putLive(k, b("v0")).get(20, TimeUnit.SECONDS);
        return true;
      });
      int follower = followerIndex(raw);
      etcd.member(follower).pause();
      // Writes go round-robin over the members: one that picks the frozen follower times out and
      // stays queued there. Every later write carries a newer value.
      int written = 0;
      boolean oneTimedOut = false;
      String last = "v0";
      for (int i = 1; i <= 40 && !(oneTimedOut && written >= 3); i++) {
        try {
          ks.putLive(k, b("v" + i)).get(20, TimeUnit.SECONDS);
          last = "v" + i;
          if (oneTimedOut) {
            written++;
          }
        } catch (java.util.concurrent.ExecutionException e) {
          oneTimedOut = true;
        }
      }
      assertThat(oneTimedOut).as("a write through the frozen follower timed out").isTrue();
      assertThat(written).as("newer writes succeeded after it").isGreaterThanOrEqualTo(3);
      etcd.member(follower).unpause();
      String expected = last;
      // The late requests reach the follower now; give them time to be applied, then the key must
      // still (and again) hold the newest value.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < until) {
        Thread.sleep(250);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(value(raw, k)).isEqualTo(expected));
      System.out.println("live key after the follower thawed: " + value(raw, k) + " (newest write " + expected + ")");
      ks.deleteLive(k).get(20, TimeUnit.SECONDS);
    }
  }

  private static String value(Client raw, String k) throws Exception {
    var kvs = raw.getKVClient().get(bs(k)).get(5, TimeUnit.SECONDS).getKvs();
    return kvs.isEmpty() ? "(absent)" : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
  }

  private static int followerIndex(Client raw) throws Exception {
    for (int i = 0; i < etcd.size(); i++) {
      var status = raw.getMaintenanceClient().statusMember(etcd.member(i).endpoint()).get(10, TimeUnit.SECONDS);
      if (status.getLeader() != status.getHeader().getMemberId()) {
        return i;
      }
    }
    throw new AssertionError("no follower among " + etcd.size() + " members");
  }
}
