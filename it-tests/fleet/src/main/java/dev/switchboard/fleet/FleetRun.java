package dev.switchboard.fleet;

import dev.switchboard.sidecar.desired.DesiredKeys;
import dev.switchboard.sidecar.desired.Membership;
import dev.switchboard.store.KeySpace;
import dev.switchboard.testkit.ServerControl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fleet scenarios against running agents: flip on / off, a rollout 10 → 50 → 100 %, an etcd restart and a
 * ZooKeeper restart. Desired state is written to both stores (as the bridge would copy it; etcd first, which the
 * agents prefer); progress is read from the status keys through one {@link FleetObserver} per store. Every step
 * waits until every agent reached the expected state (it throws otherwise), so a completed run is also the
 * convergence check; the figures go to a {@link FleetResult}.
 */
public final class FleetRun {
  private final String root;
  private final String service;
  private final String plugin;
  private final Set<String> nodes;
  private final KeySpace etcd;
  private final KeySpace zk;
  private final FleetObserver etcdView;
  private final FleetObserver zkView;
  private final String etcdEndpoint;
  private final String zkConnect;
  private final Duration timeout;
  private final FleetResult result;

  public FleetRun(String root, String service, String plugin, Set<String> nodes, KeySpace etcd, KeySpace zk,
      String etcdEndpoint, String zkConnect, Duration timeout, FleetResult result) {
    this.root = root;
    this.service = service;
    this.plugin = plugin;
    this.nodes = Set.copyOf(nodes);
    this.etcd = etcd;
    this.zk = zk;
    this.etcdEndpoint = etcdEndpoint;
    this.zkConnect = zkConnect;
    this.timeout = timeout;
    this.result = result;
    this.etcdView = new FleetObserver(etcd, root, service);
    this.zkView = new FleetObserver(zk, root, service);
  }

  /** The plugin's artifact and {@code enabled=false}: written before the agents start. */
  public static void seed(KeySpace store, String root, String service, String plugin) {
    String artifact = "{\"url\":\"file:///nonexistent/" + plugin + ".jar\",\"sha256\":\"" + "c".repeat(64) + "\",\"version\":\"1.0.0\"}";
    put(store, DesiredKeys.pluginKey(root, service, plugin, DesiredKeys.ARTIFACT), artifact);
    put(store, DesiredKeys.pluginKey(root, service, plugin, DesiredKeys.ENABLED), "false");
    store.delete(DesiredKeys.pluginKey(root, service, plugin, DesiredKeys.ROLLOUT)).join();
  }

  private static void put(KeySpace store, String key, String value) {
    store.put(key, value.getBytes(StandardCharsets.UTF_8)).join();
  }

  /** Writes to both stores, etcd first; returns the wall-clock time before the first write. */
  private long write(String leaf, String value) {
    long t = System.currentTimeMillis();
    String key = DesiredKeys.pluginKey(root, service, plugin, leaf);
    if (value == null) {
      etcd.delete(key).join();
      zk.delete(key).join();
    } else {
      put(etcd, key, value);
      put(zk, key, value);
    }
    return t;
  }

  /** Every agent reports its status (the plugin INACTIVE, not desired) in both stores. */
  public void awaitStarted() throws Exception {
    long t0 = System.nanoTime();
    for (FleetObserver v : List.of(etcdView, zkView)) {
      try {
        v.await("status of all " + nodes.size() + " agents", timeout, o -> matching(o, "INACTIVE", nodes, 0).size() == nodes.size());
      } catch (java.util.concurrent.TimeoutException e) {
        throw new java.util.concurrent.TimeoutException(e.getMessage() + " in " + (v == etcdView ? "etcd" : "ZooKeeper") + ": "
            + lagging(v, "INACTIVE", nodes, 0));
      }
    }
    result.value("all " + nodes.size() + " agents started and reporting", String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - t0) / 1e9));
  }

  /** Nodes not (yet) in {@code state} since {@code t}, with what they report, for failure messages (at most 5). */
  private String lagging(FleetObserver o, String state, Set<String> which, long t) {
    Map<String, FleetObserver.Seen> all = o.plugin(plugin);
    Set<String> ok = matching(o, state, which, t);
    List<String> out = new ArrayList<>();
    for (String n : which) {
      if (ok.contains(n)) continue;
      FleetObserver.Seen s = all.get(n);
      if (out.size() < 5) out.add(n + "=" + (s == null ? "no status" : s.value() + " (agent: " + o.agents().get(n) + ")")
          + "; read now: " + stored(n));
    }
    return (which.size() - ok.size()) + " of " + which.size() + " not " + state + " " + out;
  }

  /** What both stores hold now for {@code node}'s agent and plugin status (a direct read, not a watcher's view). */
  private String stored(String node) {
    StringBuilder b = new StringBuilder();
    for (KeySpace ks : List.of(etcd, zk)) {
      for (String key : List.of(DesiredKeys.agentStatusKey(root, service, node), DesiredKeys.pluginStatusKey(root, service, node, plugin))) {
        String v;
        try {
          v = ks.get(key).get(10, java.util.concurrent.TimeUnit.SECONDS).map(e -> e.valueUtf8()).orElse("(absent)");
        } catch (Exception e) {
          v = "(read failed: " + e + ")";
        }
        b.append(ks.storeName()).append(' ').append(key.substring(key.lastIndexOf('/') + 1)).append('=').append(v).append("; ");
      }
    }
    return b.toString();
  }

  private Set<String> matching(FleetObserver o, String state, Set<String> which, long notBefore) {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, FleetObserver.Seen> e : o.plugin(plugin).entrySet()) {
      FleetObserver.Seen s = e.getValue();
      if (which.contains(e.getKey()) && s.state().equals(state) && s.sinceMillis() >= notBefore) out.add(e.getKey());
    }
    return out;
  }

  /** Flip on, then off: flip → live (and → not live) on every agent, from the write. */
  public void flips() throws Exception {
    flip("true", "ACTIVE", "flip → live", nodes);
    flip("false", "INACTIVE", "flip → not live", nodes);
  }

  private void flip(String enabled, String state, String what, Set<String> expected) throws Exception {
    long writes0 = StoreProbe.etcdWrites(etcdEndpoint);
    long zx0 = StoreProbe.zxid(zkConnect);
    long t = write(DesiredKeys.ENABLED, enabled);
    // the agent's since has millisecond precision, truncated: a status from before the write is at most t - 1
    try {
      etcdView.await(what + " on all " + expected.size(), timeout, o -> matching(o, state, expected, t).size() == expected.size());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new java.util.concurrent.TimeoutException(e.getMessage() + "; in etcd: " + lagging(etcdView, state, expected, t)
          + "; in ZooKeeper: " + lagging(zkView, state, expected, t));
    }
    long allSeen = System.currentTimeMillis();
    record(what, expected, t);
    rates(what, t, allSeen, writes0, zx0);
  }

  private void record(String what, Set<String> which, long t) {
    List<Long> live = new ArrayList<>();
    List<Long> seen = new ArrayList<>();
    etcdView.plugin(plugin).forEach((node, s) -> {
      if (which.contains(node)) {
        live.add(s.sinceMillis() - t);
        seen.add(s.seenMillis() - t);
      }
    });
    result.add(what + " on " + which.size() + " agents (agent's status since − write)", Percentiles.of(live), "ms");
    result.add(what + " on " + which.size() + " agents (status seen by a watcher − write)", Percentiles.of(seen), "ms");
  }

  private void rates(String what, long t, long end, long writes0, long zx0) throws Exception {
    double secs = Math.max(0.001, (end - t) / 1000.0);
    long etcdWrites = StoreProbe.etcdWrites(etcdEndpoint) - writes0;
    long zkWrites = StoreProbe.zxid(zkConnect) - zx0;
    result.value(what + ": store writes until all seen (etcd · ZooKeeper)", String.format(Locale.ROOT,
        "%d · %d in %.2f s = %.0f · %.0f writes/s (%.1f · %.1f per agent)", etcdWrites, zkWrites, secs, etcdWrites / secs,
        zkWrites / secs, (double) etcdWrites / nodes.size(), (double) zkWrites / nodes.size()));
  }

  /** enabled with rollout 10 %, then 50 %, then 100 %: live on the nodes each step adds, from the write. */
  public void rollout() throws Exception {
    write(DesiredKeys.ROLLOUT, "{\"percent\":10}");
    Set<String> inside = inside(10);
    long t = write(DesiredKeys.ENABLED, "true");
    etcdView.await("rollout 10 %", timeout, o -> matching(o, "ACTIVE", inside, t).size() == inside.size());
    if (!inside.isEmpty()) record("rollout 10 %", inside, t);
    result.value("rollout 10 → 50 → 100 %: nodes inside", inside.size() + " → " + inside(50).size() + " → " + nodes.size());
    Set<String> before = inside;
    for (int p : new int[] {50, 100}) {
      Set<String> now = inside(p);
      Set<String> added = new TreeSet<>(now);
      added.removeAll(before);
      long tp = write(DesiredKeys.ROLLOUT, p == 100 ? "{\"percent\":100}" : "{\"percent\":" + p + "}");
      etcdView.await("rollout " + p + " %", timeout, o -> matching(o, "ACTIVE", added, tp).size() == added.size());
      if (!added.isEmpty()) record("rollout " + p + " % (nodes added)", added, tp);
      before = now;
    }
    write(DesiredKeys.ROLLOUT, null);
    flip("false", "INACTIVE", "after the rollout: flip → not live", nodes);
  }

  private Set<String> inside(int percent) {
    Set<String> out = new TreeSet<>();
    for (String n : nodes) if (Membership.inside(service, plugin, n, Membership.ROLLOUT_SALT, percent)) out.add(n);
    return out;
  }

  /**
   * Stops {@code server}, waits until every agent reports it disconnected (read from the other store), starts it,
   * and measures each agent's reconnection (its agent status's since − start) and the time until all are
   * connected; then flips the plugin off and on through the restarted store and waits for every agent.
   */
  public void restart(String store, ServerControl server) throws Exception {
    FleetObserver other = store.equals("etcd") ? zkView : etcdView;
    // the other store's write counter before the stop
    long writes0 = StoreProbe.etcdWrites(etcdEndpoint);
    long zx0 = StoreProbe.zxid(zkConnect);
    server.stop();
    other.await("all agents see " + store + " down", timeout, o -> count(o, store, false) == nodes.size());
    long t = System.currentTimeMillis();
    server.start();
    long started = System.currentTimeMillis();
    other.await("all agents reconnected to " + store, timeout, o -> count(o, store, true) == nodes.size());
    long allSeen = System.currentTimeMillis();
    List<Long> back = new ArrayList<>();
    List<Long> sinces = new ArrayList<>();
    other.agents().forEach((node, s) -> {
      back.add(s.sinceMillis() - started);
      sinces.add(s.sinceMillis());
    });
    result.value(store + " restart: start() took", (started - t) + " ms");
    result.add(store + " restart: agent reconnected (agent status since − server up)", Percentiles.of(back), "ms");
    result.value(store + " restart: peak reconnects per 100 ms window", String.valueOf(peak(sinces, 100)));
    result.value(store + " restart: all " + nodes.size() + " agents connected again after", (allSeen - started) + " ms");
    // the restarted server's counters start again: etcd's at 0, ZooKeeper's zxid in a new epoch (low 32 bits from 0)
    long zxBase = store.equals("zookeeper") ? StoreProbe.zxid(zkConnect) & ~0xffffffffL : zx0;
    rates(store + " restart (writes since the restart, server up → all connected)", started, allSeen,
        store.equals("etcd") ? 0 : writes0, zxBase);
    // in sync: a flip through the desired state still reaches every agent
    flip("true", "ACTIVE", "after " + store + " restart: flip → live", nodes);
    flip("false", "INACTIVE", "after " + store + " restart: flip → not live", nodes);
  }

  private static long count(FleetObserver o, String store, boolean connected) {
    return o.agents().values().stream()
        .filter(s -> connected == s.value().path("stores").path(store).asText().equals("connected"))
        .count();
  }

  static int peak(List<Long> times, long windowMs) {
    List<Long> sorted = new ArrayList<>(times);
    sorted.sort(null);
    int best = 0;
    int j = 0;
    for (int i = 0; i < sorted.size(); i++) {
      while (sorted.get(i) - sorted.get(j) >= windowMs) j++;
      best = Math.max(best, i - j + 1);
    }
    return best;
  }

  public void close() {
    etcdView.close();
    zkView.close();
  }


}
