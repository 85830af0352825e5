package dev.switchboard.store.etcd;

import static dev.switchboard.store.Recorder.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.store.Entry;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.Recorder;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.Watch;
import dev.switchboard.testkit.EtcdCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The etcd adapter against a real 3-member etcd cluster. */
class EtcdKeySpaceIT {
  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(3);

  private static Client raw;

  @BeforeAll
  static void rawClient() {
    raw = Client.builder().endpoints(etcd.endpointList().toArray(String[]::new)).build();
  }

  @AfterAll
  static void closeRaw() {
    raw.close();
  }

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** Retries a raw operation while the cluster elects a new leader. */
  private static <T> T retry(java.util.concurrent.Callable<java.util.concurrent.CompletableFuture<T>> op) throws Exception {
    Exception last = null;
    for (int i = 0; i < 40; i++) {
      try {
        return op.call().get(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        last = e;
        Thread.sleep(250);
      }
    }
    throw last;
  }

  private static EtcdOptions.Builder opts(String endpoints) {
    return EtcdOptions.builder(endpoints).operationTimeout(Duration.ofSeconds(3)).leaseTtl(Duration.ofSeconds(3));
  }

  private static String prefix() {
    return "/t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void snapshotThenWatchDeliversPutsUpdatesAndDeletesInOrderOnOneThread() throws Exception {
    String p = prefix();
    try (KeySpace ks = EtcdKeySpace.open(opts(etcd.endpoints()).build())) {
      ks.put(p + "/a", b("1")).get();
      ks.put(p + "/b", b("1")).get();
      Recorder r = new Recorder();
      try (Watch w = ks.watch(p, r)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> r.synced >= 1);
        assertThat(r.view()).isEqualTo(Map.of(p + "/a", "1", p + "/b", "1"));
        ks.put(p + "/c", b("1")).get();
        ks.put(p + "/a", b("2")).get();
        ks.delete(p + "/b").get();
        await().atMost(Duration.ofSeconds(10)).until(() -> r.changes.size() >= 5);
        assertThat(r.changes.subList(2, 5)).extracting(c -> c.key() + "=" + c.valueUtf8())
            .containsExactly(p + "/c=1", p + "/a=2", p + "/b=null");
        assertThat(r.threads).allMatch(t -> t.startsWith("switchboard-etcd-watch"));
        assertThat(ks.state()).isEqualTo(StoreState.CONNECTED);
        assertThat(ks.list(p).get()).extracting(Entry::key).containsExactly(p + "/a", p + "/c");
      }
    }
  }

  @Test
  void fencedWritesApplyOnlyAtTheExpectedModRevision() throws Exception {
    String k = prefix() + "/k";
    try (KeySpace ks = EtcdKeySpace.open(opts(etcd.endpoints()).build())) {
      assertThat(ks.putIfVersion(k, b("1"), KeySpace.ABSENT).get()).isTrue();
      assertThat(ks.putIfVersion(k, b("x"), KeySpace.ABSENT).get()).isFalse();
      Entry e = ks.get(k).get().orElseThrow();
      assertThat(ks.putIfVersion(k, b("2"), e.version()).get()).isTrue();
      assertThat(ks.putIfVersion(k, b("3"), e.version()).get()).as("stale revision").isFalse();
      assertThat(ks.deleteIfVersion(k, e.version()).get()).as("stale delete").isFalse();
      Entry e2 = ks.get(k).get().orElseThrow();
      assertThat(e2.valueUtf8()).isEqualTo("2");
      assertThat(ks.deleteIfVersion(k, e2.version()).get()).isTrue();
      assertThat(ks.get(k).get()).isEmpty();
    }
  }

  @Test
  void memberRestartAndCompactionWhileDisconnectedResyncWithDeletes() throws Exception {
    String p = prefix();
    // the adapter talks to member 0 only; the other two keep a quorum
    try (KeySpace ks = EtcdKeySpace.open(opts(etcd.member(0).endpoint()).build())) {
      for (int i = 0; i < 10; i++) {
        ks.put(p + "/k" + i, b("v" + i)).get();
      }
      Recorder r = new Recorder();
      try (Watch w = ks.watch(p, r)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> r.view().size() == 10);
        // 1) restart without compaction: events made meanwhile arrive, none lost
        etcd.member(0).kill();
        await().atMost(Duration.ofSeconds(20)).until(() -> ks.state() == StoreState.DISCONNECTED);
        for (int i = 10; i < 15; i++) {
          int n = i;
          retry(() -> raw.getKVClient().put(bs(p + "/k" + n), bs("v" + n)));
        }
        retry(() -> raw.getKVClient().delete(bs(p + "/k0")));
        etcd.member(0).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> r.view().size() == 14 && !r.view().containsKey(p + "/k0"));
        // 2) compaction while disconnected: a full re-read and a diff with the deletes
        etcd.member(0).kill();
        await().atMost(Duration.ofSeconds(20)).until(() -> ks.state() == StoreState.DISCONNECTED);
        retry(() -> raw.getKVClient().delete(bs(p + "/k1")));
        retry(() -> raw.getKVClient().delete(bs(p + "/k2")));
        retry(() -> raw.getKVClient().put(bs(p + "/k3"), bs("changed")));
        long rev = retry(() -> raw.getKVClient().put(bs(p + "/new"), bs("n"))).getHeader().getRevision();
        retry(() -> raw.getKVClient().compact(rev));
        etcd.member(0).start();
        Map<String, String> expected = new TreeMap<>();
        for (int i = 4; i < 15; i++) {
          expected.put(p + "/k" + i, "v" + i);
        }
        expected.put(p + "/k3", "changed");
        expected.put(p + "/new", "n");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(r.view()).isEqualTo(expected));
        await().atMost(Duration.ofSeconds(10)).until(() -> ks.state() == StoreState.CONNECTED);
        assertThat(r.states).contains(StoreState.DISCONNECTED, StoreState.CONNECTED);
      }
    }
  }

  @Test
  void losingTheEtcdLeaderMakesTheWatchDisconnectedUntilAQuorumIsBack() throws Exception {
    String p = prefix();
    try (KeySpace ks = EtcdKeySpace.open(opts(etcd.member(0).endpoint()).build())) {
      Recorder r = new Recorder();
      try (Watch w = ks.watch(p, r)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> r.synced >= 1 && ks.state() == StoreState.CONNECTED);
        // member 0 alone has no leader: it still answers TCP, but nothing it says is fresh
        etcd.member(1).kill();
        etcd.member(2).kill();
        await().atMost(Duration.ofSeconds(30)).until(() -> ks.state() == StoreState.DISCONNECTED);
        assertThat(r.states).contains(StoreState.DISCONNECTED);
        java.util.concurrent.CompletableFuture.allOf(etcd.member(1).startAsync(), etcd.member(2).startAsync()).get();
        retry(() -> raw.getKVClient().put(bs(p + "/after"), bs("quorum")));
        await().atMost(Duration.ofSeconds(40)).until(() -> "quorum".equals(r.view().get(p + "/after")));
        await().atMost(Duration.ofSeconds(10)).until(() -> ks.state() == StoreState.CONNECTED);
      }
    }
  }

  @Test
  void liveKeysComeBackAfterTheLeaseIsLost() throws Exception {
    String k = prefix() + "/live";
    try (KeySpace ks = EtcdKeySpace.open(opts(etcd.endpoints()).build())) {
      ks.putLive(k, b("alive")).get();
      long lease = raw.getKVClient().get(bs(k)).get().getKvs().get(0).getLease();
      assertThat(lease).isNotZero();
      raw.getLeaseClient().revoke(lease).get();
      assertThat(raw.getKVClient().get(bs(k)).get().getKvs()).isEmpty();
      await().atMost(Duration.ofSeconds(20)).until(() -> !raw.getKVClient().get(bs(k)).get().getKvs().isEmpty());
      var kv = raw.getKVClient().get(bs(k)).get().getKvs().get(0);
      assertThat(kv.getLease()).isNotZero().isNotEqualTo(lease);
      assertThat(kv.getValue().toString(StandardCharsets.UTF_8)).isEqualTo("alive");
      ks.deleteLive(k).get();
      assertThat(raw.getKVClient().get(bs(k)).get().getKvs()).isEmpty();
    }
  }

  @Test
  void rapidLiveWritesOfOneKeyLandInTheOrderTheyWereMade() throws Exception {
    String k = prefix() + "/status";
    java.util.List<Integer> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    try (KeySpace ks = EtcdKeySpace.open(opts(etcd.endpoints()).build());
        var w =
            raw.getWatchClient()
                .watch(
                    bs(k),
                    resp ->
                        resp.getEvents().forEach(ev -> {
                          String v = ev.getKeyValue().getValue().toString(StandardCharsets.UTF_8);
                          if (v.startsWith("v")) {
                            seen.add(Integer.parseInt(v.substring(1)));
                          }
                        }))) {
      java.util.List<java.util.concurrent.CompletableFuture<Void>> writes = new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        writes.add(ks.putLive(k, b("v" + i)));
      }
      java.util.concurrent.CompletableFuture.allOf(writes.toArray(new java.util.concurrent.CompletableFuture[0])).get(60, java.util.concurrent.TimeUnit.SECONDS);
      var kv = raw.getKVClient().get(bs(k)).get().getKvs().get(0);
      assertThat(kv.getValue().toString(StandardCharsets.UTF_8)).isEqualTo("v199");
      await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains(199));
      // A lease restore may write the current value once more, but never an older one after a newer one.
      synchronized (seen) {
        assertThat(seen).isSorted().hasSizeGreaterThanOrEqualTo(200);
      }
      ks.deleteLive(k).get();
    }
  }

  @Test
  void oversizedValuesInvalidKeysAndForeignLeasedKeysAreSkippedNotFatal() throws Exception {
    String p = prefix();
    try (KeySpace ks = EtcdKeySpace.open(opts(etcd.endpoints()).maxValueBytes(100).build())) {
      Recorder r = new Recorder();
      try (Watch w = ks.watch(p, r)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> r.synced >= 1);
        raw.getKVClient().put(bs(p + "/big"), bs("x".repeat(500))).get();
        raw.getKVClient().put(bs(p + "//empty-segment"), bs("1")).get();
        raw.getKVClient().put(bs(p + "/dot/../x"), bs("1")).get();
        long lease = raw.getLeaseClient().grant(30).get().getID();
        raw.getKVClient().put(bs(p + "/leased"), bs("1"), io.etcd.jetcd.options.PutOption.builder().withLeaseId(lease).build()).get();
        ks.put(p + "/ok", b("fine")).get();
        await().atMost(Duration.ofSeconds(10)).until(() -> r.view().containsKey(p + "/ok"));
        assertThat(r.view()).containsOnlyKeys(p + "/ok");
        assertThat(r.skipped).anyMatch(s -> s.startsWith(p + "/big") && s.contains("500 bytes"));
        assertThat(r.skipped).anyMatch(s -> s.startsWith(p + "//empty-segment") && s.contains("empty segment"));
        assertThat(r.skipped).anyMatch(s -> s.contains("'..' segment"));
        assertThat(r.skipped).anyMatch(s -> s.startsWith(p + "/leased") && s.contains("leased"));
        assertThat(ks.list(p).get()).extracting(Entry::key).contains(p + "/ok", p + "/leased").doesNotContain(p + "/big");
        raw.getLeaseClient().revoke(lease).get();
      }
    }
  }
}
