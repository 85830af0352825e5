package dev.switchboard.it.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.store.Entry;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real bridge processes ({@code java -jar dist/switchboard.jar bridge}) against a real 3-member
 * etcd cluster and a real 3-server ZooKeeper ensemble. Each test uses its own root.
 */
class BridgeProcessIT {
  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(3);
  @RegisterExtension static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.servers(3);

  static KeySpace e;
  static KeySpace z;
  static Client rawEtcd;
  @TempDir Path dir;
  String root;
  final List<BridgeProcess> bridges = new ArrayList<>();

  @BeforeAll
  static void clients() {
    e = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).operationTimeout(Duration.ofSeconds(10)).build());
    z = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).operationTimeout(Duration.ofSeconds(10)).build());
    rawEtcd = Client.builder().endpoints(etcd.endpointList().toArray(String[]::new)).build();
  }

  @AfterAll
  static void closeClients() {
    e.close();
    z.close();
    rawEtcd.close();
  }

  @BeforeEach
  void newRoot() {
    root = "/it-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void stopBridges() throws Exception {
    for (BridgeProcess b : bridges) {
      b.close();
    }
  }

  String yaml(String extra) {
    return "root: " + root + "\n"
        + "etcd: {endpoints: [" + etcd.endpoints() + "]}\n"
        + "zookeeper: {connect: \"" + zk.connectString() + "\"}\n"
        + "http: {listen: \"127.0.0.1:0\"}\n"
        + "antiEntropyInterval: 3s\n" + extra;
  }

  BridgeProcess bridge(String name, String extra) throws Exception {
    BridgeProcess b = BridgeProcess.start(dir, name, yaml(extra));
    bridges.add(b);
    return b;
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  String k(String rel) {
    return root + "/services/" + rel;
  }

  static Map<String, String> dump(KeySpace ks, String prefix) throws Exception {
    Map<String, String> m = new TreeMap<>();
    for (Entry en : ks.list(prefix).get()) {
      if (!en.ephemeral()) {
        m.put(en.key(), en.valueUtf8());
      }
    }
    return m;
  }

  void awaitBoth(Map<String, String> expected, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      assertThat(dump(e, root + "/services")).isEqualTo(expected);
      assertThat(dump(z, root + "/services")).isEqualTo(expected);
    });
  }

  /** etcd's per-key write count (KeyValue.version) of every key under the services prefix. */
  Map<String, Long> etcdWriteCounts() throws Exception {
    Map<String, Long> m = new HashMap<>();
    for (KeyValue kv : rawEtcd.getKVClient().get(ByteSequence.from(root + "/services/", StandardCharsets.UTF_8),
        GetOption.builder().isPrefix(true).build()).get().getKvs()) {
      m.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getVersion());
    }
    return m;
  }

  /** ZooKeeper's per-key write count (Stat.version + 1). */
  Map<String, Long> zkWriteCounts() throws Exception {
    Map<String, Long> m = new HashMap<>();
    for (Entry en : z.list(root + "/services").get()) {
      m.put(en.key(), en.version() + 1);
    }
    return m;
  }

  @Test
  void putUpdateDeleteOnEachSideAppearOnTheOtherAndNothingEchoes() throws Exception {
    BridgeProcess b = bridge("bridge-a", "");
    await().atMost(Duration.ofSeconds(30)).until(b::leader);
    e.put(k("s/plugins/from-etcd/enabled"), b("true")).get();
    z.put(k("s/plugins/from-zk/enabled"), b("true")).get();
    awaitBoth(Map.of(k("s/plugins/from-etcd/enabled"), "true", k("s/plugins/from-zk/enabled"), "true"), Duration.ofSeconds(20));
    // each key now exists once per store: written once by its writer, once by the bridge
    assertThat(etcdWriteCounts()).containsOnly(Map.entry(k("s/plugins/from-etcd/enabled"), 1L), Map.entry(k("s/plugins/from-zk/enabled"), 1L));
    e.put(k("s/plugins/from-zk/enabled"), b("false")).get();
    z.put(k("s/plugins/from-etcd/enabled"), b("false")).get();
    awaitBoth(Map.of(k("s/plugins/from-etcd/enabled"), "false", k("s/plugins/from-zk/enabled"), "false"), Duration.ofSeconds(20));
    e.delete(k("s/plugins/from-etcd/enabled")).get();
    z.delete(k("s/plugins/from-zk/enabled")).get();
    awaitBoth(Map.of(), Duration.ofSeconds(20));
    // a full anti-entropy pass after the deletes (the second one counted from here) writes nothing either
    double scans = b.metric("switchboard_bridge_scans_total", "");
    await().atMost(Duration.ofSeconds(30)).until(() -> b.metric("switchboard_bridge_scans_total", "") >= scans + 2);
    assertThat(b.writes()).as("six changes, six bridge writes, no echo").isEqualTo(6);
    System.out.println("bridge writes for 6 changes: " + b.writes() + ", lag metrics: "
        + b.metric("switchboard_bridge_lag_seconds_sum", "") + " s total");
  }

  @Test
  void thousandKeysConcurrentlyOnBothSidesWithHundredConflictsEndEqualWithEtcdWinningEach() throws Exception {
    BridgeProcess b = bridge("bridge-a", "leaderTtl: 10s\nworkers: 16\n");
    await().atMost(Duration.ofSeconds(30)).until(b::leader);
    Map<String, String> expected = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> writes = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < 900; i++) {
      String key = k("load/plugins/p" + i + "/enabled");
      KeySpace side = i % 2 == 0 ? e : z;
      String v = (i % 2 == 0 ? "etcd-" : "zk-") + i;
      expected.put(key, v);
      writes.add(side.put(key, b(v)));
      if (i == 450) {
        // 100 deliberate conflicts: the same new key written differently on both sides
        // while the bridge is frozen, so it sees both before either is copied
        b.pause();
        List<CompletableFuture<?>> conflicts = new ArrayList<>();
        for (int c = 0; c < 100; c++) {
          String ck = k("conflict/plugins/c" + c + "/enabled");
          conflicts.add(e.put(ck, b("etcd-wins-" + c)));
          conflicts.add(z.put(ck, b("zk-loses-" + c)));
          expected.put(ck, "etcd-wins-" + c);
        }
        CompletableFuture.allOf(conflicts.toArray(CompletableFuture[]::new)).get();
        b.resume();
      }
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
    awaitBoth(new TreeMap<>(expected), Duration.ofSeconds(90));
    System.out.printf("1000 keys (100 conflicts) converged in %.1f s; one merge mean %.3f s, max %.3f s; bridge lag mean %.3f s, max %.3f s (etcd->zk), %.3f / %.3f s (zk->etcd)%n",
        (System.nanoTime() - t0) / 1e9,
        b.mean("switchboard_bridge_merge_seconds", ""), b.metric("switchboard_bridge_merge_seconds_max", ""),
        b.mean("switchboard_bridge_lag_seconds", "direction=\"etcd_to_zookeeper\""),
        b.metric("switchboard_bridge_lag_seconds_max", "direction=\"etcd_to_zookeeper\""),
        b.mean("switchboard_bridge_lag_seconds", "direction=\"zookeeper_to_etcd\""),
        b.metric("switchboard_bridge_lag_seconds_max", "direction=\"zookeeper_to_etcd\""));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.conflicts() == 100);
    assertThat(b.metric("switchboard_bridge_conflicts_total", "winner=\"etcd\"")).isEqualTo(100.0);
    // no echo: every key holds exactly one write in each store (its writer's or the bridge's copy)
    assertThat(etcdWriteCounts().values()).as("etcd writes per key").hasSize(1000).allMatch(v -> v == 1L);
    assertThat(zkWriteCounts().entrySet()).as("ZooKeeper writes per key (conflict keys: the loser's write + the repair)")
        .hasSize(1000).allMatch(en -> en.getValue() == (en.getKey().contains("/conflict/") ? 2L : 1L));
    // the bridge's own count agrees: one write per key (900 copies + 100 repairs)
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.writes()).as("bridge writes").isEqualTo(1000));
  }

  @Test
  void aBridgeKilledMidStreamConvergesAfterRestartIncludingChangesMadeWhileItWasDown() throws Exception {
    BridgeProcess b = bridge("bridge-a", "");
    await().atMost(Duration.ofSeconds(30)).until(b::leader);
    Map<String, String> expected = new TreeMap<>();
    // phase 1: 40 keys synced (even: written in etcd, odd: in ZooKeeper)
    for (int i = 0; i < 40; i++) {
      String v = "v1-" + i;
      (i % 2 == 0 ? e : z).put(k("r/plugins/p" + i + "/enabled"), b(v)).get();
      expected.put(k("r/plugins/p" + i + "/enabled"), v);
    }
    awaitBoth(expected, Duration.ofSeconds(30));
    // phase 2: a stream of writes; the bridge is killed (SIGKILL) in the middle of it
    for (int i = 40; i < 240; i++) {
      String v = "v1-" + i;
      (i % 2 == 0 ? e : z).put(k("r/plugins/p" + i + "/enabled"), b(v)).get();
      expected.put(k("r/plugins/p" + i + "/enabled"), v);
      if (i == 120) {
        b.kill();
      }
    }
    // phase 3: while it is down, on both sides
    for (int i = 0; i < 10; i++) {
      String key = k("r/plugins/p" + i + "/enabled");
      (i % 2 == 0 ? z : e).delete(key).get(); // synced key deleted on its copy side
      expected.remove(key);
    }
    for (int i = 10; i < 20; i++) {
      String key = k("r/plugins/p" + i + "/enabled");
      (i % 2 == 0 ? z : e).put(key, b("v2-copy-side-" + i)).get(); // synced key updated on its copy side
      expected.put(key, "v2-copy-side-" + i);
    }
    for (int i = 200; i < 220; i++) {
      String key = k("r/plugins/p" + i + "/enabled");
      (i % 2 == 0 ? e : z).delete(key).get(); // deleted on its origin side (maybe never copied)
      expected.remove(key);
    }
    for (int i = 220; i < 240; i++) {
      String key = k("r/plugins/p" + i + "/enabled");
      (i % 2 == 0 ? e : z).put(key, b("v2-" + i)).get();
      expected.put(key, "v2-" + i);
    }
    for (int i = 0; i < 20; i++) {
      String key = k("r/plugins/new" + i + "/enabled");
      (i % 2 == 0 ? e : z).put(key, b("new-" + i)).get();
      expected.put(key, "new-" + i);
    }
    BridgeProcess again = bridge("bridge-a2", "");
    awaitBoth(expected, Duration.ofSeconds(60));
    assertThat(again.conflicts()).isZero();
  }

  @Test
  void whenTheLeaderIsKilledTheStandbyTakesOverAndNothingIsLostOrWrittenTwice() throws Exception {
    BridgeProcess a = bridge("bridge-a", "leaderTtl: 3s\n");
    BridgeProcess s = bridge("bridge-b", "leaderTtl: 3s\n");
    await().atMost(Duration.ofSeconds(30)).until(() -> a.leader() ^ s.leader());
    BridgeProcess leader = a.leader() ? a : s;
    BridgeProcess standby = leader == a ? s : a;
    Map<String, String> expected = new ConcurrentHashMap<>();
    java.util.concurrent.CountDownLatch sixty = new java.util.concurrent.CountDownLatch(60);
    CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
      try {
        for (int i = 0; i < 200; i++) {
          String key = k("f/plugins/p" + i + "/enabled");
          (i % 2 == 0 ? e : z).put(key, b("v-" + i)).get();
          expected.put(key, "v-" + i);
          sixty.countDown();
          Thread.sleep(10);
        }
      } catch (Exception ex) {
        throw new RuntimeException(ex);
      }
    });
    sixty.await();
    leader.kill();
    long killedAt = System.nanoTime();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(standby::leader);
    System.out.printf("failover: standby leads %.1f s after the leader was killed (leaderTtl 3 s)%n", (System.nanoTime() - killedAt) / 1e9);
    stream.get();
    awaitBoth(new TreeMap<>(expected), Duration.ofSeconds(60));
    // every key was written once by its writer and once by a bridge, never twice
    assertThat(etcdWriteCounts().values()).as("etcd write count per key").allMatch(v -> v == 1L);
    assertThat(zkWriteCounts().values()).as("ZooKeeper write count per key").allMatch(v -> v == 1L);
  }

  @Test
  void anEtcdMemberAndAZooKeeperServerKilledMidStreamDoNotStopTheBridge() throws Exception {
    BridgeProcess b = bridge("bridge-a", "leaderTtl: 10s\n");
    await().atMost(Duration.ofSeconds(30)).until(b::leader);
    Map<String, String> expected = new TreeMap<>();
    try {
      for (int i = 0; i < 120; i++) {
        String key = k("m/plugins/p" + i + "/enabled");
        putRetrying(i % 2 == 0 ? e : z, key, "v-" + i);
        expected.put(key, "v-" + i);
        if (i == 40) {
          etcd.member(2).kill();
          zk.server(2).kill();
        }
      }
      awaitBoth(expected, Duration.ofSeconds(60));
      assertThat(b.alive()).isTrue();
    } finally {
      CompletableFuture.allOf(etcd.member(2).startAsync(), zk.server(2).startAsync()).get();
    }
  }

  /**
   * The test's own writer: while the killed member's cluster elects a new leader a write may time
   * out; a put of the same value is idempotent, so it is retried (bounded) rather than failing the
   * test for the writer's sake.
   */
  private static void putRetrying(dev.switchboard.store.KeySpace ks, String key, String value) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        ks.put(key, b(value)).get();
        return;
      } catch (java.util.concurrent.ExecutionException ex) {
        if (attempt >= 40
            || !(ex.getCause() instanceof dev.switchboard.store.StoreException se)
            || se.code() != dev.switchboard.store.StoreException.Code.UNAVAILABLE) {
          throw ex;
        }
        Thread.sleep(250);
      }
    }
  }

  @Test
  void theSeedLayoutIsMappedBothWays() throws Exception {
    String seed = root + "-seed";
    BridgeProcess b = bridge("bridge-a", "mappings:\n  - etcd: " + seed + "/plugins/{name}/enabled\n    zookeeper: " + seed + "/zk/{name}\n");
    await().atMost(Duration.ofSeconds(30)).until(b::leader);
    e.put(seed + "/plugins/rate-limit/enabled", b("true")).get();
    z.put(seed + "/zk/auth", b("true")).get();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(z.get(seed + "/zk/rate-limit").get()).map(Entry::valueUtf8).contains("true");
      assertThat(e.get(seed + "/plugins/auth/enabled").get()).map(Entry::valueUtf8).contains("true");
    });
    z.put(seed + "/zk/rate-limit", b("false")).get();
    e.delete(seed + "/plugins/auth/enabled").get();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(e.get(seed + "/plugins/rate-limit/enabled").get()).map(Entry::valueUtf8).contains("false");
      assertThat(z.get(seed + "/zk/auth").get()).isEmpty();
    });
  }
}
