package dev.switchboard.it.bridge;

import dev.switchboard.store.KeySpace;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The history checker's delete / re-create races: the key holds {@code true} in both stores, then
 * deletes, a gap of 0-30 ms and the same value written again. Every trial must end with both stores
 * equal and recorded by the bridge within the bound; how it ended is counted (lost: a re-create into
 * etcd, the winning store, ended deleted) and printed.
 */
final class RecreateProbe {
  /**
   * Whether a re-create in ZooKeeper deleted without a logged conflict fails the run ({@code
   * -Dchecker.recreateStrict=true}); by default it is counted and printed: the bridge's ZooKeeper
   * write can still meet a delete and re-create made within the one round trip between its re-read
   * of the znode and the write (docs/bridge.md). A lost re-create (a trial that must keep the value
   * ending deleted) outside faults always fails the run; one that overlapped a fault (a bridge killed,
   * ZooKeeper frozen, an etcd leader killed, a compaction) is counted and printed, and fails the run
   * only when strict (a 30-minute run lost 1 of 6,242 must-keep trials, during a fault: BENCHMARKS.md).
   */
  static final boolean STRICT = Boolean.getBoolean("checker.recreateStrict");

  private final HistoryCheckerIT hc;

  RecreateProbe(HistoryCheckerIT hc) {
    this.hc = hc;
  }

  /** The delete / re-create races the checker measures (each on its own key, one trial at a time). */
  enum Kind {
    /** Deleted in both stores, the same value written again into etcd (the winning store) 0-30 ms later: must end on it. */
    BOTH_ETCD("delete in both stores, re-create in etcd", true),
    /** Deleted in ZooKeeper, the same value written again into etcd 0-30 ms later: must end on it. */
    ZK_ETCD("delete in ZooKeeper, put in etcd", true),
    /**
     * Deleted in both stores, the same value written again into ZooKeeper 0-30 ms later: a race
     * with etcd's delete, which wins by the rule; it must end on the value, or deleted with the
     * conflict logged and counted.
     */
    BOTH_ZK("delete in both stores, re-create in ZooKeeper", false);

    final String what;
    final boolean mustKeep;

    /** The key's name: a race key (conflicts are allowed on it). */
    String key() {
      return "race-" + name().toLowerCase(java.util.Locale.ROOT);
    }

    Kind(String what, boolean mustKeep) {
      this.what = what;
      this.mustKeep = mustKeep;
    }
  }

  final AtomicInteger[] recreateTrials = counters();
  final AtomicInteger[] recreateLost = counters();
  /** Of {@link #recreateLost}: trials whose race overlapped a fault (they fail the run only when strict). */
  final AtomicInteger[] recreateLostInFaults = counters();
  final AtomicInteger[] recreateKept = counters();
  final AtomicInteger[] recreateDeleted = counters();

  private static AtomicInteger[] counters() {
    AtomicInteger[] a = new AtomicInteger[Kind.values().length];
    for (int i = 0; i < a.length; i++) {
      a[i] = new AtomicInteger();
    }
    return a;
  }

  /**
   * Trials of one delete / re-create race: the key holds {@code true} in both stores (recorded by the
   * bridge), then the deletes, a gap of 0-30 ms, and the re-create; the outcome must be in both
   * stores, recorded, within the bound.
   */
  void writer(Kind kind, String key, Random r, KeySpace e, KeySpace z, long end, List<String> violations) {
    int k = kind.ordinal();
    try {
      HistoryCheckerIT.write(e, key, "true");
      if (!awaitConverged(e, z, key, "true", HistoryCheckerIT.LOST_AFTER)) {
        violations.add(key + ": the starting value never reached both stores");
        return;
      }
      while (hc.writing(end) && violations.size() < 5) {
        if (hc.faults.zkFrozen.get()) {
          Thread.sleep(50);
          continue;
        }
        if (kind != Kind.ZK_ETCD) {
          HistoryCheckerIT.write(e, key, null);
        }
        HistoryCheckerIT.write(z, key, null);
        Thread.sleep(r.nextInt(31));
        HistoryCheckerIT.write(kind == Kind.BOTH_ZK ? z : e, key, "true");
        recreateTrials[k].incrementAndGet();
        long done = System.nanoTime();
        // the outcome: the re-created value, or (when the race may be decided against it) deleted
        String outcome = null;
        while (System.nanoTime() - done < HistoryCheckerIT.LOST_AFTER.toNanos()) {
          if (hc.converged(e, z, key, "true")) {
            outcome = "true";
            break;
          }
          if (hc.converged(e, z, key, null)) {
            outcome = "deleted";
            break;
          }
          Thread.sleep(20);
        }
        if (outcome == null) {
          violations.add(key + ": " + kind.what + ": the stores never converged: etcd " + HistoryCheckerIT.read(e, key) + ", zookeeper " + HistoryCheckerIT.read(z, key));
          return;
        }
        if (kind.mustKeep && !outcome.equals("true")) {
          recreateLost[k].incrementAndGet();
          boolean duringFault = hc.duringFault(done, System.nanoTime());
          String when = String.format("%.1f s into the run%s", (done - hc.t0) / 1e9, duringFault ? ", during a fault" : ", outside faults");
          System.out.println("history checker: " + key + ": " + kind.what + ": the re-created value was lost (" + when + ")");
          if (!duringFault || STRICT) {
            violations.add(key + ": " + kind.what + ": the re-created value was lost (" + when + ")");
            return;
          }
          recreateLostInFaults[k].incrementAndGet(); // counted and printed; the trials go on from the value in both stores
          HistoryCheckerIT.write(e, key, "true");
          if (!awaitConverged(e, z, key, "true", HistoryCheckerIT.LOST_AFTER)) {
            violations.add(key + ": the starting value never reached both stores");
            return;
          }
          continue;
        }
        long took = System.nanoTime() - done;
        if (took > HistoryCheckerIT.BOUND.toNanos() && !hc.duringFault(done, System.nanoTime()) || took > HistoryCheckerIT.FAULT_BOUND.toNanos()) {
          violations.add(key + ": " + kind.what + ": took " + took / 1_000_000 + " ms (bound " + HistoryCheckerIT.BOUND.toMillis() + " ms, " + HistoryCheckerIT.FAULT_BOUND.toMillis() + " ms across a fault)");
        }
        if (outcome.equals("true")) {
          recreateKept[k].incrementAndGet();
        } else {
          if (!kind.mustKeep) {
            recreateDeleted[k].incrementAndGet();
          }
          HistoryCheckerIT.write(e, key, "true"); // the next trial starts from the value in both stores
          if (!awaitConverged(e, z, key, "true", HistoryCheckerIT.LOST_AFTER)) {
            violations.add(key + ": the starting value never reached both stores");
            return;
          }
        }
        Thread.sleep(r.nextInt(100));
      }
    } catch (Exception ex) {
      violations.add(key + ": re-create writer failed: " + ex);
    }
  }

  private boolean awaitConverged(KeySpace e, KeySpace z, String key, String value, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (hc.converged(e, z, key, value)) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** Prints each kind's figures; a trial that ended deleted must have its conflict logged. */
  void report(long seed, List<BridgeProcess> bridges, List<String> violations) {
    for (Kind kind : Kind.values()) {
      String key = "/" + kind.key() + "/";
      long conflicts = bridges.stream().flatMap(b -> b.logText().lines()).filter(l -> l.contains("conflict on ") && l.contains(key)).count();
      System.out.printf("history checker: seed %d: %s: %d trials (gap 0-30 ms), %d lost (%d of them during a fault), %d ended on the re-created value, %d ended deleted (%d conflicts logged on the key)%n",
          seed, kind.what, recreateTrials[kind.ordinal()].get(), recreateLost[kind.ordinal()].get(), recreateLostInFaults[kind.ordinal()].get(), recreateKept[kind.ordinal()].get(), recreateDeleted[kind.ordinal()].get(), conflicts);
      if (STRICT && recreateDeleted[kind.ordinal()].get() > conflicts) {
        violations.add(kind.what + ": " + recreateDeleted[kind.ordinal()].get() + " trials ended deleted but only " + conflicts + " conflicts were logged on the key");
      }
    }
  }
}
