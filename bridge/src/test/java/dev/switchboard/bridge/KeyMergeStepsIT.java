package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.bridge.config.ConfigLoader;
import dev.switchboard.bridge.merge.Decision;
import dev.switchboard.bridge.merge.Merge;
import dev.switchboard.bridge.merge.Side;
import dev.switchboard.store.Entry;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One key's merge taken step by step (read, decide, then apply) against a real etcd and a real
 * ZooKeeper, with client writes between the steps: the interleavings a running bridge only meets by
 * chance. The key lies outside the bridged prefix, so the bridge's own workers leave it alone and the
 * key's state holds only what these merges recorded (as when a watch's level-triggered read skipped
 * an intermediate value).
 */
class KeyMergeStepsIT {
  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.single();
  @RegisterExtension static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.single();

  private static KeySpace e;
  private static KeySpace z;
  @TempDir Path dir;
  private String root;
  private Bridge bridge;

  @BeforeAll
  static void clients() {
    e = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).build());
    z = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).build());
  }

  @AfterAll
  static void closeClients() {
    e.close();
    z.close();
  }

  @BeforeEach
  void start() throws Exception {
    root = "/km-" + UUID.randomUUID().toString().substring(0, 8);
    Path f = dir.resolve("bridge.yaml");
    Files.writeString(f, "root: " + root + "\n"
        + "etcd: {endpoints: [" + etcd.endpoints() + "]}\n"
        + "zookeeper: {connect: \"" + zk.connectString() + "\"}\n"
        + "http: {listen: \"127.0.0.1:0\"}\n"
        + "leaderTtl: 3s\nantiEntropyInterval: 60s\n");
    bridge = Bridge.start(ConfigLoader.load(f, Map.of(), Map.of()));
    await().atMost(Duration.ofSeconds(20)).until(bridge::isLeader);
  }

  @AfterEach
  void stop() {
    bridge.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String read(KeySpace ks, String key) throws Exception {
    return ks.get(key).get().map(Entry::valueUtf8).orElse(null);
  }

  /**
   * What the bridge's watches would deliver for {@code key} (outside the bridged prefix, so that no
   * watch races the steps): both stores' current writes, observed by the engine's key state. A merge
   * decides only from writes its watches delivered.
   */
  private void deliver(String key) throws Exception {
    Optional<Entry> ev = e.get(key).get();
    Optional<Entry> zv = z.get(key).get();
    bridge.engine().changed(key, Side.ETCD, ev.map(Entry::value).orElse(null), ev.map(Entry::revision).orElse(0L), false);
    bridge.engine().changed(key, Side.ZOOKEEPER, zv.map(Entry::value).orElse(null), zv.map(Entry::revision).orElse(0L), false);
  }

  /** Merges until a merge finds the stores equal (a fenced or failed merge is simply merged again, as the engine would). */
  private void settle(KeyMerge m, String key) throws Exception {
    for (int i = 0; i < 10; i++) {
      deliver(key);
      KeyMerge.Outcome o = m.merge(key, key);
      if (o == KeyMerge.Outcome.IN_SYNC) {
        return;
      }
    }
    throw new AssertionError("no merge found the stores equal after 10 merges");
  }

  /** Starts with {@code value} in both stores, recorded in the ledger. */
  private KeyMerge synced(String key, String value) throws Exception {
    e.put(key, b(value)).get();
    z.put(key, b(value)).get();
    KeyMerge m = new KeyMerge(bridge.engine());
    settle(m, key);
    return m;
  }

  @Test
  void aZooKeeperCopyOfAnEtcdValueThatChangedAfterTheMergeReadItIsRefusedSoALaterZooKeeperWriteIsKept() throws Exception {
    // the history checker's lost burst: an etcd burst ending on the value ZooKeeper already held
    // (the writer saw both stores equal and switched to ZooKeeper), while the bridge was still
    // copying an intermediate value of that burst; the copy recorded an agreement that never existed
    // and ZooKeeper's next write was then judged a race and undone
    String key = root + "/aside/s/plugins/p/enabled";
    KeyMerge m = synced(key, "false");
    e.put(key, b("true")).get();
    deliver(key);
    KeyMerge.Reads r = m.read(key, key);
    Decision d = Merge.decide(r.e(), r.z(), r.base(), Side.ETCD, r.state());
    assertThat(d.target()).isEqualTo(Side.ZOOKEEPER);
    e.put(key, b("false")).get(); // the rest of the etcd burst, before the copy is made
    assertThat(m.apply(key, key, r, d)).as("copy of a value etcd no longer holds").isEqualTo(KeyMerge.Outcome.FENCED);
    assertThat(read(z, key)).isEqualTo("false");
    settle(m, key); // the burst's end recorded (the writer goes on once it is: a change seen within a second of it would be a race)
    long conflicts = bridge.metrics().conflicts();
    z.delete(key).get(); // the next burst, on ZooKeeper
    settle(m, key);
    assertThat(read(e, key)).isNull();
    assertThat(read(z, key)).isNull();
    assertThat(bridge.metrics().conflicts()).isEqualTo(conflicts);
  }

  @Test
  void anEtcdCopyOfAZooKeeperValueThatChangedAfterTheMergeReadItIsRefusedSoALaterEtcdWriteIsKept() throws Exception {
    String key = root + "/aside/s/plugins/r/enabled";
    KeyMerge m = synced(key, "false");
    z.put(key, b("true")).get();
    deliver(key);
    KeyMerge.Reads r = m.read(key, key);
    Decision d = Merge.decide(r.e(), r.z(), r.base(), Side.ETCD, r.state());
    assertThat(d.target()).isEqualTo(Side.ETCD);
    z.put(key, b("false")).get(); // the rest of the ZooKeeper burst, before the copy is made
    assertThat(m.apply(key, key, r, d)).as("copy of a value ZooKeeper no longer holds").isEqualTo(KeyMerge.Outcome.FENCED);
    assertThat(read(e, key)).isEqualTo("false");
    settle(m, key); // the burst's end recorded, as above
    long conflicts = bridge.metrics().conflicts();
    e.delete(key).get(); // the next burst, on etcd
    settle(m, key);
    assertThat(read(e, key)).isNull();
    assertThat(read(z, key)).isNull();
    assertThat(bridge.metrics().conflicts()).isEqualTo(conflicts);
  }

  @Test
  void aZooKeeperWriteWhoseConditionFailedLeavesNoIntentAndTheRaceIsDecidedByTheRuleAndCounted() throws Exception {
    String key = root + "/aside/s/plugins/q/enabled";
    KeyMerge m = synced(key, "false");
    e.put(key, b("true")).get();
    deliver(key);
    KeyMerge.Reads r = m.read(key, key);
    Decision d = Merge.decide(r.e(), r.z(), r.base(), Side.ETCD, r.state());
    z.put(key, b("zk")).get(); // ZooKeeper changed between the read and the write: a cross-store race
    assertThat(m.apply(key, key, r, d)).isEqualTo(KeyMerge.Outcome.FENCED);
    assertThat(bridge.engine().ledger().intent(key)).as("the intent of a write that did not happen").isNull();
    long conflicts = bridge.metrics().conflicts();
    settle(m, key);
    assertThat(read(e, key)).isEqualTo("true");
    assertThat(read(z, key)).isEqualTo("true");
    assertThat(bridge.metrics().conflicts()).as("the race, counted").isEqualTo(conflicts + 1);
  }

  @Test
  void aCopyOfEtcdsDeleteIsRefusedWhenTheZnodeItReadWasDeletedAndCreatedAgainAtTheSameVersion() throws Exception {
    // the history checker's "deleted in both stores, re-created in ZooKeeper": ZooKeeper conditions a
    // delete on the data version only, which a re-created znode starts again at 0, so the copy of
    // etcd's delete, conditional on version 0 of the znode it read, deleted the re-create unseen
    String key = root + "/aside/s/plugins/d/enabled";
    KeyMerge m = synced(key, "true");
    e.delete(key).get();
    deliver(key);
    KeyMerge.Reads r = m.read(key, key);
    Decision d = Merge.decide(r.e(), r.z(), r.base(), Side.ETCD, r.state());
    assertThat(d.target()).isEqualTo(Side.ZOOKEEPER);
    assertThat(d.value()).isNull();
    z.delete(key).get(); // a client deletes it in ZooKeeper too, and creates it again
    z.put(key, b("true")).get();
    assertThat(z.get(key).get().orElseThrow().version()).as("the re-created znode's version").isEqualTo(r.zVersion());
    assertThat(m.apply(key, key, r, d)).as("copy of a delete onto a znode created after the merge read").isEqualTo(KeyMerge.Outcome.FENCED);
    assertThat(read(z, key)).isEqualTo("true");
    assertThat(bridge.engine().ledger().intent(key)).as("the intent of a write that did not happen").isNull();
    long conflicts = bridge.metrics().conflicts();
    settle(m, key); // etcd's delete and ZooKeeper's re-create: a race, decided by the rule and counted
    assertThat(read(e, key)).isNull();
    assertThat(read(z, key)).isNull();
    assertThat(bridge.metrics().conflicts()).as("the race, counted").isEqualTo(conflicts + 1);
  }
}
