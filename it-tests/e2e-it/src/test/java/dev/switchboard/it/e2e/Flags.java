package dev.switchboard.it.e2e;

import dev.switchboard.store.Entry;
import dev.switchboard.store.KeySpace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Operator-side writes through the project's own store adapters (jetcd / Curator underneath), each recorded in
 * every open {@link Checker} of the topology before it is made. A write that fails (a store in the middle of a
 * fault) is retried with the same value for up to 30 s.
 */
public final class Flags {
  private final SystemTopology topology;
  private final KeySpace etcd;
  private final KeySpace zookeeper;

  Flags(SystemTopology topology, KeySpace etcd, KeySpace zookeeper) {
    this.topology = topology;
    this.etcd = etcd;
    this.zookeeper = zookeeper;
  }

  public KeySpace store(Store store) {
    return store == Store.ETCD ? etcd : zookeeper;
  }

  /** {@code <root>/services/<service>/plugins/<plugin>/<leaf>} */
  public String key(String plugin, String leaf) {
    return SystemTopology.ROOT + "/services/" + topology.service() + "/plugins/" + plugin + "/" + leaf;
  }

  /** {@code <root>/services/<service>/nodes/<node>/plugins/<plugin>/enabled} */
  public String nodeKey(String node, String plugin) {
    return SystemTopology.ROOT + "/services/" + topology.service() + "/nodes/" + node + "/plugins/" + plugin + "/enabled";
  }

  /** {@code <root>/status/<service>/<node>/plugins/<plugin>} */
  public String statusKey(String node, String plugin) {
    return SystemTopology.ROOT + "/status/" + topology.service() + "/" + node + "/plugins/" + plugin;
  }

  /** {@code <root>/status/<service>/<node>/agent} */
  public String agentStatusKey(String node) {
    return SystemTopology.ROOT + "/status/" + topology.service() + "/" + node + "/agent";
  }

  /** Writes {@code value} to {@code key}; recorded first. */
  public void put(Store store, String key, String value) {
    topology.recordWrite(store, key, value);
    retry("put " + key + "=" + value + " in " + store, () -> store(store).put(key, value.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS));
  }

  public void delete(Store store, String key) {
    topology.recordWrite(store, key, null);
    retry("delete " + key + " in " + store, () -> store(store).delete(key).get(10, TimeUnit.SECONDS));
  }

  public void enable(Store store, String plugin, boolean enabled) {
    put(store, key(plugin, "enabled"), String.valueOf(enabled));
  }

  /** The artifact key for a plugin jar of the distribution ({@link SystemTopology#artifact(String, String)}). */
  public void artifact(Store store, String plugin, String version) {
    put(store, key(plugin, "artifact"), topology.artifact(plugin, version));
  }

  /** {@code canary = {"artifact": <plugin version>, "percent": P}}. */
  public void canaryPercent(Store store, String plugin, String version, int percent) {
    put(store, key(plugin, "canary"), "{\"artifact\":" + topology.artifact(plugin, version) + ",\"percent\":" + percent + "}");
  }

  public void rolloutPercent(Store store, String plugin, int percent) {
    put(store, key(plugin, "rollout"), "{\"percent\":" + percent + "}");
  }

  public Optional<String> get(Store store, String key) {
    return retry("get " + key + " from " + store, () -> store(store).get(key).get(10, TimeUnit.SECONDS)).map(Entry::valueUtf8);
  }

  /** Every non-ephemeral key under {@code prefix} with its value, sorted. */
  public Map<String, String> dump(Store store, String prefix) {
    Map<String, String> m = new TreeMap<>();
    for (Entry e : retry("list " + prefix + " in " + store, () -> store(store).list(prefix).get(10, TimeUnit.SECONDS))) {
      if (!e.ephemeral()) m.put(e.key(), e.valueUtf8());
    }
    return m;
  }

  interface Call<T> {
    T call() throws Exception;
  }

  static <T> T retry(String what, Call<T> call) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return call.call();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: " + what, e);
      } catch (Exception e) {
        if (System.nanoTime() > deadline) throw new IllegalStateException(what + " failed for 30 s: " + e, e);
        DistCopy.sleep(250);
      }
    }
  }
}
