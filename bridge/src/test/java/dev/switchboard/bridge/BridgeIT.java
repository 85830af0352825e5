package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.bridge.config.BridgeConfig;
import dev.switchboard.bridge.config.ConfigLoader;
import dev.switchboard.store.Entry;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The bridge in this JVM against a real etcd and a real ZooKeeper. Each test has its own root. */
class BridgeIT {
  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.single();
  @RegisterExtension static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.single();

  private static KeySpace e;
  private static KeySpace z;
  private static CuratorFramework rawZk;
  @TempDir Path dir;
  private String root;
  private Bridge bridge;

  @BeforeAll
  static void clients() throws Exception {
    e = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).build());
    z = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).build());
    rawZk = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryNTimes(10, 200));
    rawZk.start();
  }

  @AfterAll
  static void closeClients() {
    e.close();
    z.close();
    rawZk.close();
  }

  @BeforeEach
  void newRoot() {
    root = "/sb-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void stop() {
    if (bridge != null) {
      bridge.close();
    }
  }

  private BridgeConfig config(String extraYaml) throws Exception {
    Path f = dir.resolve("bridge.yaml");
    Files.writeString(f, "root: " + root + "\n"
        + "etcd: {endpoints: [" + etcd.endpoints() + "]}\n"
        + "zookeeper: {connect: \"" + zk.connectString() + "\"}\n"
        + "http: {listen: \"127.0.0.1:0\"}\n"
        + "leaderTtl: 3s\nantiEntropyInterval: 2s\n" + extraYaml);
    return ConfigLoader.load(f, Map.of(), Map.of());
  }

  private Bridge startBridge(String extraYaml) throws Exception {
    bridge = Bridge.start(config(extraYaml));
    await().atMost(Duration.ofSeconds(20)).until(bridge::isLeader);
    return bridge;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String k(String rel) {
    return root + "/services/" + rel;
  }

  private static Map<String, String> dump(KeySpace ks, String prefix) throws Exception {
    Map<String, String> m = new TreeMap<>();
    for (Entry en : ks.list(prefix).get()) {
      if (!en.ephemeral()) {
        m.put(en.key(), en.valueUtf8());
      }
    }
    return m;
  }

  private void awaitEqual(Map<String, String> expected) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(dump(e, root + "/services")).isEqualTo(expected);
      assertThat(dump(z, root + "/services")).isEqualTo(expected);
    });
  }

  @Test
  void putsUpdatesAndDeletesOnEachSideAppearOnTheOtherWithOneWriteEach() throws Exception {
    startBridge("");
    e.put(k("a/plugins/p/enabled"), b("true")).get();
    awaitEqual(Map.of(k("a/plugins/p/enabled"), "true"));
    z.put(k("b/plugins/p/enabled"), b("true")).get();
    awaitEqual(Map.of(k("a/plugins/p/enabled"), "true", k("b/plugins/p/enabled"), "true"));
    e.put(k("b/plugins/p/enabled"), b("false")).get();
    z.put(k("a/plugins/p/enabled"), b("false")).get();
    awaitEqual(Map.of(k("a/plugins/p/enabled"), "false", k("b/plugins/p/enabled"), "false"));
    e.delete(k("a/plugins/p/enabled")).get();
    z.delete(k("b/plugins/p/enabled")).get();
    awaitEqual(Map.of());
    // six changes, six bridge writes: nothing echoed back (an echo would be a seventh write), not even by a
    // full anti-entropy pass: the second pass counted from here started after the deletes were merged
    long scans = bridge.metrics().scans();
    await().atMost(Duration.ofSeconds(30)).until(() -> bridge.metrics().scans() >= scans + 2);
    assertThat(bridge.metrics().writes()).isEqualTo(6);
    assertThat(bridge.metrics().conflicts()).isZero();
    assertThat(e.get(root + "/status/x").get()).isEmpty();
  }

  @Test
  void statusKeysAreNeverBridged() throws Exception {
    startBridge("");
    e.put(root + "/status/svc/node/agent", b("{}")).get();
    z.put(root + "/status/svc/node2/agent", b("{}")).get();
    e.put(k("x/plugins/p/enabled"), b("true")).get();
    awaitEqual(Map.of(k("x/plugins/p/enabled"), "true"));
    assertThat(z.get(root + "/status/svc/node/agent").get()).isEmpty();
    assertThat(e.get(root + "/status/svc/node2/agent").get()).isEmpty();
  }

  @Test
  void conflictsWhileTheBridgeWasAwayGoToTheConfiguredWinnerAndAreCounted() throws Exception {
    startBridge("");
    e.put(k("c/plugins/p/config"), b("{\"v\":0}")).get();
    awaitEqual(Map.of(k("c/plugins/p/config"), "{\"v\":0}"));
    bridge.close();
    e.put(k("c/plugins/p/config"), b("{\"v\":\"etcd\"}")).get();
    z.put(k("c/plugins/p/config"), b("{\"v\":\"zk\"}")).get();
    e.put(k("d/plugins/p/enabled"), b("true")).get();
    z.put(k("d/plugins/p/enabled"), b("false")).get();
    startBridge("");
    awaitEqual(Map.of(k("c/plugins/p/config"), "{\"v\":\"etcd\"}", k("d/plugins/p/enabled"), "true"));
    assertThat(bridge.metrics().conflicts()).isEqualTo(2);
    bridge.close();
    z.put(k("d/plugins/p/enabled"), b("zk-wins")).get();
    e.put(k("d/plugins/p/enabled"), b("etcd-loses")).get();
    startBridge("conflictWinner: zookeeper\n");
    awaitEqual(Map.of(k("c/plugins/p/config"), "{\"v\":\"etcd\"}", k("d/plugins/p/enabled"), "zk-wins"));
    assertThat(bridge.metrics().conflicts()).isEqualTo(1);
  }

  @Test
  void aRestartConvergesAndNeverResurrectsAKeyDeletedWhileTheBridgeWasAway() throws Exception {
    startBridge("");
    for (String s : new String[] {"a", "b", "c", "d"}) {
      e.put(k(s + "/plugins/p/enabled"), b("true")).get();
    }
    awaitEqual(Map.of(k("a/plugins/p/enabled"), "true", k("b/plugins/p/enabled"), "true", k("c/plugins/p/enabled"), "true", k("d/plugins/p/enabled"), "true"));
    bridge.close();
    z.delete(k("a/plugins/p/enabled")).get();          // deleted in ZooKeeper
    e.delete(k("b/plugins/p/enabled")).get();          // deleted in etcd
    z.put(k("c/plugins/p/enabled"), b("false")).get(); // updated in ZooKeeper
    e.put(k("d/plugins/p/enabled"), b("false")).get(); // updated in etcd
    e.put(k("e/plugins/p/enabled"), b("true")).get();  // created in etcd
    z.put(k("f/plugins/p/enabled"), b("true")).get();  // created in ZooKeeper
    startBridge("");
    awaitEqual(Map.of(k("c/plugins/p/enabled"), "false", k("d/plugins/p/enabled"), "false", k("e/plugins/p/enabled"), "true", k("f/plugins/p/enabled"), "true"));
    assertThat(bridge.metrics().conflicts()).isZero();
    assertThat(bridge.metrics().writes()).isEqualTo(6);
  }

  @Test
  void theSeedLayoutMapsBothWays() throws Exception {
    startBridge("mappings:\n  - etcd: " + root + "-seed/plugins/{name}/enabled\n    zookeeper: " + root + "-seed/zk/{name}\n");
    e.put(root + "-seed/plugins/auth/enabled", b("true")).get();
    await().atMost(Duration.ofSeconds(20)).until(() -> z.get(root + "-seed/zk/auth").get().map(Entry::valueUtf8).orElse("").equals("true"));
    z.put(root + "-seed/zk/limit", b("false")).get();
    await().atMost(Duration.ofSeconds(20)).until(() -> e.get(root + "-seed/plugins/limit/enabled").get().map(Entry::valueUtf8).orElse("").equals("false"));
    z.put(root + "-seed/zk/auth", b("false")).get();
    await().atMost(Duration.ofSeconds(20)).until(() -> e.get(root + "-seed/plugins/auth/enabled").get().map(Entry::valueUtf8).orElse("").equals("false"));
    e.delete(root + "-seed/plugins/limit/enabled").get();
    await().atMost(Duration.ofSeconds(20)).until(() -> z.get(root + "-seed/zk/limit").get().isEmpty());
  }

  @Test
  void badInputIsSkippedWithAMetricAndEverythingElseStillFlows() throws Exception {
    startBridge("maxValueBytes: 1000\n");
    rawZk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(k("bad/eph"), b("x"));
    rawZk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(k("bad/seq-"), b("x"));
    e.put(k("bad/big"), b("x".repeat(2000))).exceptionally(t -> null).get(); // refused by our own client
    try (io.etcd.jetcd.Client raw = io.etcd.jetcd.Client.builder().endpoints(etcd.endpoints()).build()) {
      raw.getKVClient().put(io.etcd.jetcd.ByteSequence.from(k("bad/big"), StandardCharsets.UTF_8), io.etcd.jetcd.ByteSequence.from(b("x".repeat(2000)))).get();
      raw.getKVClient().put(io.etcd.jetcd.ByteSequence.from(k("bad//empty"), StandardCharsets.UTF_8), io.etcd.jetcd.ByteSequence.from(b("1"))).get();
      raw.getKVClient().put(io.etcd.jetcd.ByteSequence.from(k("bad/../dots"), StandardCharsets.UTF_8), io.etcd.jetcd.ByteSequence.from(b("1"))).get();
      raw.getKVClient().put(io.etcd.jetcd.ByteSequence.from(k("bad/empty-value"), StandardCharsets.UTF_8), io.etcd.jetcd.ByteSequence.from(new byte[0])).get();
    }
    e.put(k("good/plugins/p/enabled"), b("true")).get();
    await().atMost(Duration.ofSeconds(20)).until(() -> z.get(k("good/plugins/p/enabled")).get().isPresent());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String metrics = get("/metrics");
      // every reason exists at 0 from the start: each of these must have counted, under the store the value came from
      for (String series : List.of("reason=\"ephemeral\",store=\"zookeeper\"", "reason=\"sequential\",store=\"zookeeper\"",
          "reason=\"oversized\",store=\"etcd\"", "reason=\"invalid_key\",store=\"etcd\"", "reason=\"empty_value\",store=\"etcd\"")) {
        assertThat(metrics).containsPattern("switchboard_bridge_skipped_total\\{" + java.util.regex.Pattern.quote(series) + "} [1-9]");
      }
      assertThat(metrics).doesNotContain("store=\"bridge\"");
    });
    assertThat(z.get(k("bad/big")).get()).isEmpty();
    assertThat(rawZk.checkExists().forPath(k("bad/empty-value"))).isNull();
    assertThat(e.get(k("bad/eph")).get()).isEmpty();
    assertThat(bridge.healthy()).isTrue();
  }

  @Test
  void httpServesMetricsHealthAndStatus() throws Exception {
    startBridge("");
    e.put(k("h/plugins/p/enabled"), b("true")).get();
    awaitEqual(Map.of(k("h/plugins/p/enabled"), "true"));
    assertThat(get("/healthz")).contains("ok");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get("/v1/status")).contains("\"leader\" : true", "\"lastSync\" : \"20"));
    String m = get("/metrics");
    assertThat(m).contains("switchboard_bridge_leader 1.0", "switchboard_bridge_writes_total{op=\"put\",store=\"zookeeper\"} 1.0",
        "switchboard_bridge_lag_seconds", "switchboard_bridge_pending", "switchboard_bridge_store_connected{store=\"etcd\"} 1.0");
  }

  @Test
  void aDeposedLeaderCanWriteNeitherEtcdNorTheLedger() throws Exception {
    String leaderKey = root + "/bridge/leader";
    var exec = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    var exec2 = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try (io.etcd.jetcd.Client raw = io.etcd.jetcd.Client.builder().endpoints(etcd.endpoints()).build()) {
      var noop = new dev.switchboard.bridge.leader.EtcdLeader.Listener() {
        @Override public void elected(long term) {}
        @Override public void revoked(String why) {}
      };
      var a = new dev.switchboard.bridge.leader.EtcdLeader(raw, leaderKey, "a", Duration.ofSeconds(5), noop, exec);
      a.start();
      await().atMost(Duration.ofSeconds(10)).until(a::isLeader);
      var ledgerA = new dev.switchboard.bridge.ledger.Ledger(raw, root + "/bridge", leaderKey, a, 5000);
      assertThat(ledgerA.writeEtcd(k("x/plugins/p/enabled"), b("1"), -1, 7L)).isEqualTo(dev.switchboard.bridge.ledger.Ledger.Result.OK);
      // a loses its lease (as after a long pause) and b is elected
      long lease = raw.getKVClient().get(io.etcd.jetcd.ByteSequence.from(leaderKey, StandardCharsets.UTF_8)).get().getKvs().get(0).getLease();
      raw.getLeaseClient().revoke(lease).get();
      var b2 = new dev.switchboard.bridge.leader.EtcdLeader(raw, leaderKey, "b", Duration.ofSeconds(5), noop, exec2);
      b2.start();
      await().atMost(Duration.ofSeconds(10)).until(b2::isLeader);
      long modRev = raw.getKVClient().get(io.etcd.jetcd.ByteSequence.from(k("x/plugins/p/enabled"), StandardCharsets.UTF_8)).get().getKvs().get(0).getModRevision();
      // whether or not a has noticed yet, its writes are refused by the term comparison
      assertThat(ledgerA.writeEtcd(k("x/plugins/p/enabled"), b("stale"), modRev, 7L)).isEqualTo(dev.switchboard.bridge.ledger.Ledger.Result.NOT_LEADER);
      assertThat(ledgerA.commit(k("x/plugins/p/enabled"), new dev.switchboard.bridge.merge.Base(b("stale"), modRev, 7L))).isEqualTo(dev.switchboard.bridge.ledger.Ledger.Result.NOT_LEADER);
      assertThat(e.get(k("x/plugins/p/enabled")).get().orElseThrow().valueUtf8()).isEqualTo("1");
      await().atMost(Duration.ofSeconds(5)).until(() -> !a.isLeader());
      b2.close();
      a.close();
    } finally {
      exec.shutdownNow();
      exec2.shutdownNow();
    }
  }

  @Test
  void aZooKeeperWriteInterruptedByACrashIsCompletedNotRepeatedAndALaterDeleteWins() throws Exception {
    startBridge("");
    String key = k("i/plugins/p/enabled");
    e.put(key, b("v1")).get();
    awaitEqual(Map.of(key, "v1"));
    bridge.close();
    // a bridge that crashed after writing ZooKeeper but before recording the ledger entry:
    // etcd was changed to v2, its intent recorded, ZooKeeper written, then nothing
    e.put(key, b("v2")).get();
    long zkVersion = z.get(key).get().orElseThrow().version();
    byte[] intent = java.nio.ByteBuffer.allocate(9 + 2).putLong(zkVersion).put((byte) 1).put(b("v2")).array();
    e.put(root + "/bridge/intent" + key, intent).get();
    z.putIfVersion(key, b("v2"), zkVersion).get();
    // then, while no bridge runs, an operator deletes the key in ZooKeeper
    z.delete(key).get();
    startBridge("");
    // the interrupted write is recognised (L = v2), so the delete wins; without the intent it
    // would look like a conflict and etcd's v2 would be written back (a resurrection)
    awaitEqual(Map.of());
    assertThat(bridge.metrics().conflicts()).isZero();
    assertThat(e.get(root + "/bridge/intent" + key).get()).isEmpty();
  }

  private String get(String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    return r.body();
  }
}
