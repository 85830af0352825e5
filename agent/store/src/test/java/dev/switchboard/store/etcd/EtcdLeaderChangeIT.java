package dev.switchboard.store.etcd;

import static dev.switchboard.store.Recorder.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Entry;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.testkit.EtcdCluster;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Plain writes through an etcd leader change, against a real 3-member cluster: the leader is killed
 * while a writer flips a key; every flip is answered (attempts with their own deadlines, retried),
 * and the key holds the last flip. How long the flip written at the kill took is printed (the
 * figure goes to BENCHMARKS.md; no time is asserted).
 */
class EtcdLeaderChangeIT {
  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(3);

  private static int leaderIndex(Client raw) throws Exception {
    for (int i = 0; i < 3; i++) {
      StatusResponse s = raw.getMaintenanceClient().statusMember(etcd.member(i).endpoint()).get(5, TimeUnit.SECONDS);
      if (s.getLeader() == s.getHeader().getMemberId()) {
        return i;
      }
    }
    throw new AssertionError("no member reports itself leader");
  }

  @Test
  void flipsWrittenWhileTheLeaderIsKilledAreAllAnsweredAndTheLastOneIsKept() throws Exception {
    String key = "/t-" + UUID.randomUUID().toString().substring(0, 8) + "/plugins/p/enabled";
    try (Client raw = Client.builder().endpoints(etcd.endpointList().toArray(String[]::new)).build();
        KeySpace ks = EtcdKeySpace.open(EtcdOptions.builder(etcd.endpoints()).operationTimeout(Duration.ofSeconds(10)).build())) {
      ks.put(key, b("false")).get(20, TimeUnit.SECONDS);
      int leader = leaderIndex(raw);
      List<Long> tookMs = new ArrayList<>();
      String last = null;
      etcd.member(leader).kill(); // SIGKILL: the members left elect a new leader meanwhile
      for (int i = 0; i < 20; i++) {
        last = i % 2 == 0 ? "true" : "false";
        long t0 = System.nanoTime();
        Entry written = ks.put(key, b(last)).get(20, TimeUnit.SECONDS);
        tookMs.add((System.nanoTime() - t0) / 1_000_000);
        assertThat(written.valueUtf8()).isEqualTo(last);
      }
      String expected = last;
      assertThat(ks.get(key).get(20, TimeUnit.SECONDS).map(Entry::valueUtf8)).hasValue(expected);
      ks.delete(key).get(20, TimeUnit.SECONDS);
      assertThat(ks.get(key).get(20, TimeUnit.SECONDS)).isEmpty();
      System.out.printf("etcd leader change: member %d (the leader) killed, then 20 flips: the first answered after %d ms, slowest %d ms (all: %s)%n",
          leader, tookMs.get(0), tookMs.stream().mapToLong(Long::longValue).max().orElse(0), tookMs);
      etcd.member(leader).start();
    }
  }
}
