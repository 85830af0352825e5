package dev.switchboard.it.bridge;

import static org.awaitility.Awaitility.await;

import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The history checker's faults, injected in turn: the leading bridge killed (kill -9) and restarted
 * as the new standby; every ZooKeeper server frozen past the bridges' session timeout; the etcd
 * leader killed and restarted; every bridge frozen while etcd is restarted and compacted past where
 * their watches resume. Each fault's window (start, end in nanos) is recorded: a burst overlapping
 * one gets the fault bound.
 */
final class CheckerFaults {
  static final int KINDS = 4;

  interface Starter {
    BridgeProcess start(String name) throws Exception;
  }

  private final EtcdCluster etcd;
  private final ZooKeeperEnsemble zk;
  private final Client raw;
  private final List<BridgeProcess> bridges;
  private final String root;
  private final Starter starter;
  final List<long[]> windows = Collections.synchronizedList(new ArrayList<>());
  final AtomicBoolean zkFrozen = new AtomicBoolean();
  final AtomicInteger kills = new AtomicInteger();
  final AtomicInteger freezes = new AtomicInteger();
  final AtomicInteger etcdLeaderKills = new AtomicInteger();
  final AtomicInteger compactions = new AtomicInteger();

  CheckerFaults(EtcdCluster etcd, ZooKeeperEnsemble zk, Client raw, List<BridgeProcess> bridges, String root, Starter starter) {
    this.etcd = etcd;
    this.zk = zk;
    this.raw = raw;
    this.bridges = bridges;
    this.root = root;
    this.starter = starter;
  }

  /** The {@code n}-th fault: the kinds in turn. */
  void inject(int n) throws Exception {
    switch (n % KINDS) {
      case 0 -> {
        killLeaderAndRestart();
        kills.incrementAndGet();
      }
      case 1 -> {
        freezeZooKeeper(Duration.ofSeconds(7));
        freezes.incrementAndGet();
      }
      case 2 -> {
        killEtcdLeader(raw);
        etcdLeaderKills.incrementAndGet();
      }
      default -> {
        compactWhileBridgesDown(raw);
        compactions.incrementAndGet();
      }
    }
  }

  /** Whether {@code from..to} (nanos) overlaps a fault's window. */
  boolean during(long from, long to) {
    synchronized (windows) {
      for (long[] f : windows) {
        if (from <= (f[1] == 0 ? Long.MAX_VALUE : f[1]) && to >= f[0]) {
          return true;
        }
      }
    }
    return false;
  }

  /** The windows so far, in ms since {@code t0}. */
  String windows(long t0) {
    StringBuilder sb = new StringBuilder();
    synchronized (windows) {
      for (long[] f : windows) {
        sb.append((f[0] - t0) / 1_000_000).append("..").append(f[1] == 0 ? "?" : String.valueOf((f[1] - t0) / 1_000_000)).append(' ');
      }
    }
    return sb.toString().trim();
  }

  private void killLeaderAndRestart() throws Exception {
    BridgeProcess leader = await().atMost(Duration.ofSeconds(30)).until(() -> bridges.stream().filter(x -> x.alive() && x.leader()).findFirst(), Optional::isPresent).orElseThrow();
    long[] f = {System.nanoTime(), 0};
    windows.add(f);
    leader.kill();
    System.out.println("history checker: killed the leading bridge (kill -9)");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> bridges.stream().anyMatch(x -> x.alive() && x.leader()));
    System.out.printf("history checker: standby leads %d ms after the kill%n", (System.nanoTime() - f[0]) / 1_000_000);
    starter.start("hc-restarted-" + System.nanoTime() % 1000);
    f[1] = System.nanoTime();
  }

  private void freezeZooKeeper(Duration d) throws Exception {
    long[] f = {System.nanoTime(), 0};
    windows.add(f);
    zkFrozen.set(true);
    for (int i = 0; i < zk.size(); i++) {
      zk.server(i).pause();
    }
    System.out.printf("history checker: ZooKeeper frozen for %d ms (bridge session timeout 4 s)%n", d.toMillis());
    try {
      Thread.sleep(d.toMillis());
    } finally {
      for (int i = 0; i < zk.size(); i++) {
        zk.server(i).unpause();
      }
      zkFrozen.set(false);
    }
    f[1] = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // sessions re-established after the thaw
  }

  /** The etcd member that is the cluster's leader. */
  private int etcdLeader(Client raw) throws Exception {
    for (int i = 0; i < etcd.size(); i++) {
      try {
        StatusResponse st = raw.getMaintenanceClient().statusMember(etcd.member(i).endpoint()).get(5, TimeUnit.SECONDS);
        if (st.getLeader() == st.getHeader().getMemberId()) {
          return i;
        }
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
        // a member down or not answering is not the leader
      }
    }
    return -1;
  }

  /**
   * The etcd leader killed (SIGKILL) while everything goes on: the members left elect a new leader,
   * the killed one is restarted 2 s after the new leader is there.
   */
  private void killEtcdLeader(Client raw) throws Exception {
    int leader = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> etcdLeader(raw), i -> i >= 0);
    long[] f = {System.nanoTime(), 0};
    windows.add(f);
    etcd.member(leader).kill();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> etcdLeader(raw), i -> i >= 0 && i != leader);
    System.out.printf("history checker: etcd leader (member %d) killed; a new leader after %d ms%n", leader, (System.nanoTime() - f[0]) / 1_000_000);
    Thread.sleep(2000);
    etcd.member(leader).start();
    f[1] = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // the bridges' clients find the member again
  }

  /**
   * No bridge watches: every bridge frozen (SIGSTOP) while the writers go on; every etcd member
   * restarted meanwhile (the frozen bridges' connections are gone when they resume), then etcd
   * compacted at its current revision, past where each bridge's etcd watch will resume; then the
   * bridges resume. Their watches must find the compaction (a full re-read and diff, checked in their
   * logs) and the leader must merge what changed, losing and resurrecting nothing.
   */
  private void compactWhileBridgesDown(Client raw) throws Exception {
    List<BridgeProcess> live;
    synchronized (bridges) {
      live = bridges.stream().filter(BridgeProcess::alive).toList();
    }
    Map<BridgeProcess, Long> seenBefore = new java.util.HashMap<>();
    for (BridgeProcess b : live) {
      seenBefore.put(b, compactedLines(b));
    }
    long[] f = {System.nanoTime(), 0};
    windows.add(f);
    for (BridgeProcess b : live) {
      b.pause();
    }
    System.out.printf("history checker: %d bridges frozen (SIGSTOP): no bridge watches%n", live.size());
    Thread.sleep(1500); // the writers go on meanwhile
    List<CompletableFuture<Void>> restarted = new ArrayList<>();
    for (int i = 0; i < etcd.size(); i++) {
      etcd.member(i).kill();
    }
    for (int i = 0; i < etcd.size(); i++) {
      restarted.add(etcd.member(i).startAsync());
    }
    CompletableFuture.allOf(restarted.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    Thread.sleep(1000); // the writers go on meanwhile
    // two writes of a marker outside the bridged keys: the compaction revision is past every
    // revision a bridge's watch can resume from (the writers may all be waiting for the bridges)
    long revision = 0;
    for (int i = 0; i < 2; i++) {
      revision = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().pollInterval(Duration.ofMillis(100))
          .until(() -> raw.getKVClient().put(ByteSequence.from(root + "/checker/marker", StandardCharsets.UTF_8), ByteSequence.from(String.valueOf(System.nanoTime()), StandardCharsets.UTF_8))
              .get(5, TimeUnit.SECONDS).getHeader().getRevision(), r -> r > 0);
    }
    long compactAt = revision;
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().pollInterval(Duration.ofMillis(100)).until(() -> compact(raw, compactAt));
    System.out.printf("history checker: etcd restarted and compacted at revision %d while no bridge watched; bridges resumed after %d ms%n", compactAt, (System.nanoTime() - f[0]) / 1_000_000);
    for (BridgeProcess b : live) {
      b.resume();
    }
    // each bridge's etcd watch resumes from before the compaction: it must re-read and diff — either it meets the
    // compaction (logged), or its watch had already fallen back to a full read (after etcd's restart), which then
    // reads at or after the compaction revision; both mean the bridge re-read the state instead of missing events
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> live.stream().allMatch(b -> compactedLines(b) > seenBefore.get(b) || fullReadAtOrAfter(b, compactAt)));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> bridges.stream().anyMatch(x -> x.alive() && x.leader()));
    f[1] = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
  }

  /** Compacts at {@code revision}; true also when an earlier attempt whose answer was lost did. */
  private static boolean compact(Client raw, long revision) throws Exception {
    try {
      raw.getKVClient().compact(revision).get(5, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException ex) {
      if (String.valueOf(ex.getCause().getMessage()).contains("compacted")) {
        return true;
      }
      throw ex;
    }
  }

  private static final java.util.regex.Pattern FULL_READ = java.util.regex.Pattern.compile("key\\(s\\) at revision (\\d+), delivered");

  /** Whether {@code b}'s etcd watch logged a full read at revision {@code revision} or later. */
  private static boolean fullReadAtOrAfter(BridgeProcess b, long revision) {
    return b.logText().lines().map(FULL_READ::matcher).filter(java.util.regex.Matcher::find)
        .anyMatch(m -> Long.parseLong(m.group(1)) >= revision);
  }

  private static long compactedLines(BridgeProcess b) {
    return b.logText().lines().filter(l -> l.contains("compacted; re-reading and diffing")).count();
  }
}
