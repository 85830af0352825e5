package dev.switchboard.it.e2e;

import java.time.Duration;

/**
 * What the fault scenarios ({@link FaultStoresIT}, {@link FaultProcessesIT}) share: the plugin they flip, its first
 * activation on every pod, and a flip whose convergence time is printed ({@code E2E fault …}), never asserted.
 */
final class FaultFlips {
  static final String PLUGIN = "response-header";
  static final String V1 = PLUGIN + "/1.0.0";
  static final Duration LONG = Duration.ofSeconds(60);

  private FaultFlips() {}

  /** Points the plugin at 1.0.0, enables it in etcd and waits until every pod serves it. */
  static void activateOnEveryPod(SystemTopology system) {
    try (Checker c = system.checker("fault setup")) {
      system.flags().artifact(Store.ETCD, PLUGIN, "1.0.0");
      system.flags().enable(Store.ETCD, PLUGIN, true);
      c.awaitConverged("plugin active on every pod (first activation)");
    }
  }

  /** Writes {@code enabled} in {@code store}, waits until every pod shows it, prints the time since the write. */
  static Duration flipUnsettled(SystemTopology system, Checker c, String fault, Store store, boolean on) {
    system.flags().enable(store, PLUGIN, on);
    Duration d = c.awaitConverged(fault + ": " + store + " enabled=" + on);
    FaultReport.converged(fault + " (" + store.name().toLowerCase() + " write enabled=" + on + ")", d.toMillis(), "since the write");
    return d;
  }

  /** {@link #flipUnsettled}, then waits until the write is mirrored into the other store. */
  static Duration flip(SystemTopology system, Checker c, String fault, Store store, boolean on) {
    Duration d = flipUnsettled(system, c, fault, store, on);
    // settled = mirrored into the other store: only then may the same key be written in the other store, else the
    // two writes are concurrent and the bridge's conflict rule (etcd wins) decides, not their order
    c.awaitStoresEqual(LONG);
    return d;
  }
}
