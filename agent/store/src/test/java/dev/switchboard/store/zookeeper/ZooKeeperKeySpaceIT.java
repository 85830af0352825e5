package dev.switchboard.store.zookeeper;

import static dev.switchboard.store.Recorder.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.store.Entry;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.Recorder;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.Watch;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ZooKeeper adapter against a real 3-server ensemble. */
class ZooKeeperKeySpaceIT {
  @RegisterExtension static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.servers(3);

  private static CuratorFramework raw;

  @BeforeAll
  static void rawClient() throws Exception {
    raw = CuratorFrameworkFactory.newClient(zk.connectString(), 30000, 5000, new RetryNTimes(40, 250));
    raw.start();
    raw.blockUntilConnected();
  }

  @AfterAll
  static void closeRaw() {
    raw.close();
  }

  private static ZooKeeperOptions.Builder opts(String cs) {
    return ZooKeeperOptions.builder(cs).sessionTimeout(Duration.ofSeconds(6)).operationTimeout(Duration.ofSeconds(5));
  }

  private static String prefix() {
    return "/t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void snapshotThenWatchDeliversChangesAndTreatsEmptyNodesAsDirectories() throws Exception {
    String p = prefix();
    try (KeySpace ks = ZooKeeperKeySpace.open(opts(zk.connectString()).build())) {
      ks.put(p + "/a/x", b("1")).get();
      ks.put(p + "/b", b("1")).get();
      Recorder r = new Recorder();
      try (Watch w = ks.watch(p, r)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> r.synced >= 1);
        assertThat(r.view()).isEqualTo(Map.of(p + "/a/x", "1", p + "/b", "1"));
        ks.put(p + "/c", b("1")).get();
        ks.put(p + "/a/x", b("2")).get();
        ks.delete(p + "/b").get();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
            () -> assertThat(r.view()).isEqualTo(Map.of(p + "/a/x", "2", p + "/c", "1")));
        assertThat(r.threads).allMatch(t -> t.startsWith("switchboard-zk-watch"));
        assertThat(ks.list(p).get()).extracting(Entry::key).containsExactly(p + "/a/x", p + "/c");
        assertThat(ks.get(p + "/a").get()).as("a parent is a directory, not a key").isEmpty();
        assertThat(ks.state()).isEqualTo(StoreState.CONNECTED);
      }
    }
  }

  /** Makes the raw client's server catch up with the leader (ZooKeeper reads are not linearizable across sessions). */
  private static void syncRaw(String path) throws Exception {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    raw.sync().inBackground((c, e) -> done.countDown()).forPath(path);
    assertThat(done.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("sync of " + path).isTrue();
  }

  @Test
  void aFencedWriteReportsTheRevisionItProducedAndIsMadeOnce() throws Exception {
    String dir = prefix() + "/d";
    String k = dir + "/k";
    try (KeySpace ks = ZooKeeperKeySpace.open(opts(zk.connectString()).build())) {
      raw.create().creatingParentsIfNeeded().forPath(dir + "/other", b("keeps the parent")); // the fast path: parent exists
      java.util.OptionalLong created = ks.writeIfVersion(k, b("1"), KeySpace.ABSENT).get();
      syncRaw(k); // the raw client may sit on another server of the ensemble, which can lag the write
      org.apache.zookeeper.data.Stat s1 = raw.checkExists().forPath(k);
      assertThat(created).as("a create that happened reports its mzxid, not a failed condition").hasValue(s1.getMzxid());
      assertThat(s1.getVersion()).as("made once").isZero();
      java.util.OptionalLong updated = ks.writeIfVersion(k, b("2"), s1.getVersion()).get();
      syncRaw(k);
      org.apache.zookeeper.data.Stat s2 = raw.checkExists().forPath(k);
      assertThat(updated).hasValue(s2.getMzxid());
      assertThat(s2.getVersion()).as("made once").isEqualTo(1);
      assertThat(ks.writeIfVersion(k, b("3"), s1.getVersion()).get()).as("stale version").isEmpty();
    }
  }

  @Test
  void aFencedCreateRacingOtherClientsThatCreateAndDeleteTheKeyAndItsParentEndsInAFailedConditionNeverAnError() throws Exception {
    // another client creates the key, deletes it and removes its parent (as ZooKeeper does with an
    // emptied CONTAINER) while the adapter creates the key: the create or its NodeExists follow-up
    // meets NoNode midway; that is the key changing under a conditional write, not an error
    String parent = prefix() + "/p";
    String k = parent + "/enabled";
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread other = new Thread(() -> {
      while (!stop.get()) {
        try {
          raw.create().creatingParentContainersIfNeeded().forPath(k, b("other"));
        } catch (Exception ignored) {
          // exists already (the adapter's create): deleted next
        }
        try {
          raw.delete().forPath(k);
        } catch (Exception ignored) {
          // gone already
        }
        try {
          raw.delete().forPath(parent);
        } catch (Exception ignored) {
          // not empty (the adapter's create) or gone already
        }
      }
    });
    other.start();
    int made = 0;
    int refused = 0;
    try (KeySpace ks = ZooKeeperKeySpace.open(opts(zk.connectString()).build())) {
      for (int i = 0; i < 1500; i++) {
        java.util.OptionalLong w = ks.writeIfVersion(k, b("mine"), KeySpace.ABSENT).get(); // throws if it failed with an error
        if (w.isPresent()) {
          made++;
        } else {
          refused++;
        }
        assertThat(ks.putIfVersion(k, b("mine"), KeySpace.ABSENT).get()).isNotNull();
      }
    } finally {
      stop.set(true);
      other.join();
    }
    assertThat(made).as("creates made").isPositive();
    assertThat(refused).as("creates refused by the other client's writes").isPositive();
  }

  @Test
  void fencedWritesUseZnodeVersionsAndCreateFailsWhenTheKeyExists() throws Exception {
    String k = prefix() + "/deep/k";
    try (KeySpace ks = ZooKeeperKeySpace.open(opts(zk.connectString()).build())) {
      assertThat(ks.putIfVersion(k, b("1"), KeySpace.ABSENT).get()).isTrue();
      assertThat(ks.putIfVersion(k, b("x"), KeySpace.ABSENT).get()).isFalse();
      Entry e = ks.get(k).get().orElseThrow();
      assertThat(ks.putIfVersion(k, b("2"), e.version()).get()).isTrue();
      assertThat(ks.putIfVersion(k, b("3"), e.version()).get()).as("stale version").isFalse();
      assertThat(ks.deleteIfVersion(k, e.version()).get()).as("stale delete").isFalse();
      Entry e2 = ks.get(k).get().orElseThrow();
      assertThat(ks.deleteIfVersion(k, e2.version()).get()).isTrue();
      assertThat(ks.get(k).get()).isEmpty();
      String parent = k.substring(0, k.lastIndexOf('/'));
      assertThat(raw.checkExists().forPath(parent) == null || raw.getData().forPath(parent).length == 0)
          .as("the parent is a directory (empty CONTAINER node, removed by ZooKeeper once empty)").isTrue();
    }
  }

  @Test
  void serverLossMakesTheViewDisconnectedAndReconnectResyncsWithDeletes() throws Exception {
    String p = prefix();
    try (KeySpace ks = ZooKeeperKeySpace.open(opts(zk.server(0).connectString()).build())) {
      for (int i = 0; i < 5; i++) {
        ks.put(p + "/k" + i, b("v" + i)).get();
      }
      Recorder r = new Recorder();
      try (Watch w = ks.watch(p, r)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> r.view().size() == 5);
        zk.server(0).kill();
        await().atMost(Duration.ofSeconds(20)).until(() -> ks.state() == StoreState.DISCONNECTED);
        raw.delete().forPath(p + "/k0");
        raw.setData().forPath(p + "/k1", b("changed"));
        raw.create().forPath(p + "/new", b("n"));
        zk.server(0).start();
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(r.view()).isEqualTo(Map.of(
            p + "/k1", "changed", p + "/k2", "v2", p + "/k3", "v3", p + "/k4", "v4", p + "/new", "n")));
        await().atMost(Duration.ofSeconds(10)).until(() -> ks.state() == StoreState.CONNECTED);
        assertThat(r.states).containsSubsequence(StoreState.DISCONNECTED, StoreState.CONNECTED);
      }
    }
  }

  @Test
  void rapidLiveWritesOfOneKeyEndWithTheLastValue() throws Exception {
    String k = prefix() + "/status/rapid";
    try (ZooKeeperKeySpace ks = ZooKeeperKeySpace.open(opts(zk.connectString()).build())) {
      java.util.List<java.util.concurrent.CompletableFuture<Void>> writes = new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        writes.add(ks.putLive(k, b("v" + i)));
      }
      java.util.concurrent.CompletableFuture.allOf(writes.toArray(new java.util.concurrent.CompletableFuture[0])).get(60, java.util.concurrent.TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(20)).until(() -> raw.checkExists().forPath(k) != null && "v199".equals(new String(raw.getData().forPath(k))));
      Thread.sleep(500); // nothing older may land after the last value
      assertThat(new String(raw.getData().forPath(k))).isEqualTo("v199");
      ks.deleteLive(k).get();
    }
  }

  @Test
  void liveKeysAreRecreatedAfterSessionExpiry() throws Exception {
    String k = prefix() + "/status/live";
    try (ZooKeeperKeySpace ks = ZooKeeperKeySpace.open(opts(zk.connectString()).build())) {
      ks.putLive(k, b("alive")).get();
      long owner = raw.checkExists().forPath(k).getEphemeralOwner();
      assertThat(owner).isNotZero();
      ks.client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        var s = raw.checkExists().forPath(k);
        return s != null && s.getEphemeralOwner() != owner;
      });
      assertThat(new String(raw.getData().forPath(k))).isEqualTo("alive");
      ks.deleteLive(k).get();
      await().atMost(Duration.ofSeconds(10)).until(() -> raw.checkExists().forPath(k) == null);
    }
  }

  @Test
  void foreignEphemeralSequentialAndOversizedNodesAreSkippedAndOwnLiveKeysDelivered() throws Exception {
    String p = prefix();
    try (KeySpace ks = ZooKeeperKeySpace.open(opts(zk.connectString()).maxValueBytes(100).build())) {
      Recorder r = new Recorder();
      try (Watch w = ks.watch(p, r)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> r.synced >= 1);
        raw.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(p + "/eph", b("1"));
        raw.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(p + "/seq-", b("1"));
        raw.create().creatingParentsIfNeeded().forPath(p + "/big", b("x".repeat(500)));
        ks.putLive(p + "/mine", b("own")).get();
        ks.put(p + "/ok", b("fine")).get();
        await().atMost(Duration.ofSeconds(10)).until(() -> r.view().containsKey(p + "/ok") && r.view().containsKey(p + "/mine"));
        assertThat(r.view()).containsOnlyKeys(p + "/ok", p + "/mine");
        assertThat(r.changes).filteredOn(c -> c.key().endsWith("/mine")).allMatch(c -> c.ephemeral());
        assertThat(r.skipped).anyMatch(s -> s.startsWith(p + "/eph") && s.contains("ephemeral"));
        assertThat(r.skipped).anyMatch(s -> s.startsWith(p + "/seq-") && s.contains("sequential"));
        assertThat(r.skipped).anyMatch(s -> s.startsWith(p + "/big") && s.contains("500 bytes"));
        assertThat(ks.list(p).get()).filteredOn(e -> e.key().endsWith("/eph")).singleElement().matches(Entry::ephemeral);
      }
    }
  }
}
