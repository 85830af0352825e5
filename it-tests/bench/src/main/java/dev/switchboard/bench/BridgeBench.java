package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.ZooKeeper;

/**
 * BENCHMARKS.md item 3: bridge lag per direction at 10 and at 1,000 writes/s. A real bridge process
 * ({@code switchboard.jar bridge}) between a local etcd and a local ZooKeeper. For each rate, open-loop
 * writes (see {@link OpenLoop}) go to etcd only (etcd → ZooKeeper), to ZooKeeper only (ZooKeeper →
 * etcd), and to both at once (disjoint keys, each direction at the full rate); the lag of a write is
 * the time from its scheduled instant to the other store's watch showing it. Then, on the same
 * servers in the same run, the raw baseline: the same open-loop writes watched on the store written.
 * 10 writes/s go to 1 key; 1,000 writes/s round-robin over {@code bench.bridgeKeys} (default 100) keys.
 *
 * <p>Usage: {@code BridgeBench [writesAt10PerSecond (default 100)] [out.json]}; system properties
 * {@code bench.bridgeHighRate} (1000), {@code bench.bridgeHighSeconds} (10), {@code bench.bridgeKeys}
 * (100). {@code -Dbench.childJvmArgs=...} adds JVM flags to the bridge process (e.g. a JFR recording).
 */
public final class BridgeBench {
  private static final long DRAIN_MS = 60_000;
  private static final String ROOT = "/switchboard/services";

  private BridgeBench() {}

  public static void main(String[] args) throws Exception {
    int lowN = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    if (lowN < 1) throw new IllegalArgumentException("writesAt10PerSecond < 1: " + lowN);
    Path out = Path.of(args.length > 1 ? args[1] : "target/results/bridge.json");
    double highRate = Double.parseDouble(System.getProperty("bench.bridgeHighRate", "1000"));
    double highSeconds = Double.parseDouble(System.getProperty("bench.bridgeHighSeconds", "10"));
    int highKeys = Integer.parseInt(System.getProperty("bench.bridgeKeys", "100"));
    if (highRate <= 0 || highSeconds <= 0 || highKeys < 1) {
      throw new IllegalArgumentException("bench.bridgeHighRate/Seconds > 0 and bench.bridgeKeys >= 1 required: " + highRate + "/" + highSeconds + "/" + highKeys);
    }
    if (System.getProperty("switchboard.testkit") == null) System.setProperty("switchboard.testkit", "local");
    Path logs = out.toAbsolutePath().getParent().resolve("logs");
    Map<String, Object> r = new LinkedHashMap<>();
    EtcdCluster etcd = EtcdCluster.single();
    ZooKeeperEnsemble zk = ZooKeeperEnsemble.servers(1);
    try {
      etcd.start();
      zk.start();
      Path cfg = Files.createTempDirectory("switchboard-bench-bridge-").resolve("bridge.yaml");
      Files.writeString(cfg, "root: /switchboard\nid: bench-bridge\netcd: {endpoints: [" + etcd.endpoints() + "]}\n"
          + "zookeeper: {connect: \"" + zk.connectString() + "\"}\nhttp: {listen: \"127.0.0.1:0\"}\n");
      try (Proc bridge = Proc.start("bridge", logs, Proc.java("-jar", BenchDist.cli().toString(), "bridge", "--config", cfg.toString()));
          Client etcdClient = Client.builder().endpoints(etcd.endpoints().split(",")).build();
          CuratorFramework c = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
        long t0 = System.nanoTime();
        int httpPort = Integer.parseInt(bridge.await("^HTTP (\\d+)", Duration.ofSeconds(60)));
        c.start();
        if (!c.blockUntilConnected(30, TimeUnit.SECONDS)) throw new IllegalStateException("ZooKeeper not connected");
        Bench b = new Bench(etcdClient, c, httpPort);
        r.put("bridge_started_ms", Stats.round((System.nanoTime() - t0) / 1e6));
        Map<String, Object> low = b.rate(10, lowN / 10.0, 1);
        Map<String, Object> high = b.rate(highRate, highSeconds, highKeys);
        // the 10 writes/s figures also at the top level, where the summary of earlier runs read them
        r.put("writes_per_second", 10);
        r.put("etcd_to_zookeeper", low.get("etcd_to_zookeeper"));
        r.put("zookeeper_to_etcd", low.get("zookeeper_to_etcd"));
        r.put("baseline_raw_watch_etcd", low.get("baseline_raw_watch_etcd"));
        r.put("baseline_raw_watch_zookeeper", low.get("baseline_raw_watch_zookeeper"));
        r.put("rates", Map.of(key(10), low, key(highRate), high));
      }
    } finally {
      zk.close();
      etcd.close();
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), r);
    System.out.println("written " + out.toAbsolutePath());
  }

  private static String key(double rate) {
    return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
  }

  /** The runs of one rate. */
  private static final class Bench {
    private final Client etcd;
    private final CuratorFramework curator;
    private final ZooKeeper zk;
    private final int httpPort;
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    Bench(Client etcd, CuratorFramework curator, int httpPort) throws Exception {
      this.httpPort = httpPort;
      this.etcd = etcd;
      this.curator = curator;
      this.zk = curator.getZookeeperClient().getZooKeeper();
    }

    /** Creates (or sets) ZooKeeper nodes synchronously, parents included: the warm-up writer for ZooKeeper sources. */
    private OpenLoop.Writer zkCreating() {
      return (key, value, failed, acked) -> {
        try {
          curator.create().orSetData().creatingParentsIfNeeded().forPath(key, value);
          acked.run();
        } catch (Exception e) {
          failed.run();
        }
      };
    }

    private static final String[] WORK = {"switchboard_bridge_writes_total", "switchboard_bridge_merge_seconds_count",
        "switchboard_bridge_events_in_sync_total", "switchboard_bridge_fenced_retries_total", "switchboard_bridge_errors_total",
        "switchboard_bridge_conflicts_total", "switchboard_bridge_ledger_transactions_total", "switchboard_bridge_ledger_transaction_keys_total"};

    /** The bridge's counters (summed over labels) from its /metrics. */
    private Map<String, Double> counters() throws Exception {
      String text = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      Map<String, Double> m = new LinkedHashMap<>();
      for (String line : text.split("\n")) {
        if (line.startsWith("#") || line.isBlank()) continue;
        String name = line.split("[{ ]", 2)[0];
        for (String w : WORK) {
          if (w.equals(name)) m.merge(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
        }
      }
      return m;
    }

    /** What the bridge did during one run: counter deltas, per bridged write issued. */
    private Map<String, Object> work(Map<String, Double> before, long issued) throws Exception {
      Map<String, Double> after = counters();
      Map<String, Object> w = new LinkedHashMap<>();
      for (String k : WORK) {
        if (!after.containsKey(k)) continue;
        double d = after.get(k) - before.getOrDefault(k, 0.0);
        w.put(k.replace("switchboard_bridge_", "").replace("_total", ""), d);
        w.put(k.replace("switchboard_bridge_", "").replace("_total", "") + "_per_write_issued", Stats.round(d / issued));
      }
      System.out.println("  bridge work: " + w);
      return w;
    }

    private OpenLoop etcdToZk(String prefix, int keys) throws Exception {
      OpenLoop l = new OpenLoop("e2z", OpenLoop.keys(prefix, keys));
      OpenLoop.watchZk(zk, prefix, l);
      l.warmUp(OpenLoop.etcdWriter(etcd), DRAIN_MS);
      return l;
    }

    private OpenLoop zkToEtcd(String prefix, int keys, List<Watch.Watcher> close) throws Exception {
      OpenLoop l = new OpenLoop("z2e", OpenLoop.keys(prefix, keys));
      close.add(OpenLoop.watchEtcd(etcd, prefix, l));
      l.warmUp(zkCreating(), DRAIN_MS);
      return l;
    }

    Map<String, Object> rate(double rate, double seconds, int keys) throws Exception {
      String p = ROOT + "/bench-r" + key(rate);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("writes_per_second_per_direction", rate);
      m.put("seconds", seconds);
      m.put("keys", keys);
      List<Watch.Watcher> watchers = new java.util.ArrayList<>();
      try {
        OpenLoop e2z = etcdToZk(p + "-e2z", keys);
        OpenLoop z2e = zkToEtcd(p + "-z2e", keys, watchers);
        OpenLoop be2z = etcdToZk(p + "-both-e2z", keys);
        OpenLoop bz2e = zkToEtcd(p + "-both-z2e", keys, watchers);
        OpenLoop rawE = new OpenLoop("raw", OpenLoop.keys("/bench/raw-etcd-r" + key(rate), keys));
        watchers.add(OpenLoop.watchEtcd(etcd, "/bench/raw-etcd-r" + key(rate), rawE));
        rawE.warmUp(OpenLoop.etcdWriter(etcd), DRAIN_MS);
        OpenLoop rawZ = new OpenLoop("raw", OpenLoop.keys("/bench/raw-zk-r" + key(rate), keys));
        OpenLoop.watchZk(zk, "/bench/raw-zk-r" + key(rate), rawZ);
        rawZ.warmUp(zkCreating(), DRAIN_MS);
        Thread.sleep(500);

        Map<String, Double> c0 = counters();
        OpenLoop.Result a = e2z.run(OpenLoop.etcdWriter(etcd), rate, seconds, DRAIN_MS);
        report(m, "etcd_to_zookeeper", rate, a);
        m.put("bridge_work_etcd_to_zookeeper", work(c0, a.issued()));
        c0 = counters();
        OpenLoop.Result b = z2e.run(OpenLoop.zkWriter(zk), rate, seconds, DRAIN_MS);
        report(m, "zookeeper_to_etcd", rate, b);
        m.put("bridge_work_zookeeper_to_etcd", work(c0, b.issued()));
        c0 = counters();
        OpenLoop.Result[] both = new OpenLoop.Result[2];
        Thread other = new Thread(() -> {
          try {
            both[1] = bz2e.run(OpenLoop.zkWriter(zk), rate, seconds, DRAIN_MS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "bench-both-z2e");
        other.start();
        both[0] = be2z.run(OpenLoop.etcdWriter(etcd), rate, seconds, DRAIN_MS);
        other.join();
        if (both[1] == null) throw new IllegalStateException("both directions: the ZooKeeper writer did not finish");
        report(m, "both_directions_etcd_to_zookeeper", rate, both[0]);
        report(m, "both_directions_zookeeper_to_etcd", rate, both[1]);
        m.put("bridge_work_both_directions", work(c0, both[0].issued() + both[1].issued()));
        OpenLoop.Result re = rawE.run(OpenLoop.etcdWriter(etcd), rate, seconds, DRAIN_MS);
        report(m, "baseline_raw_watch_etcd", rate, re);
        OpenLoop.Result rz = rawZ.run(OpenLoop.zkWriter(zk), rate, seconds, DRAIN_MS);
        report(m, "baseline_raw_watch_zookeeper", rate, rz);
        ratios(m, "etcd_to_zookeeper", "baseline_raw_watch_zookeeper", "baseline_raw_watch_etcd");
        ratios(m, "zookeeper_to_etcd", "baseline_raw_watch_etcd", "baseline_raw_watch_zookeeper");
        ratios(m, "both_directions_etcd_to_zookeeper", "baseline_raw_watch_zookeeper", "baseline_raw_watch_etcd");
        ratios(m, "both_directions_zookeeper_to_etcd", "baseline_raw_watch_etcd", "baseline_raw_watch_zookeeper");
      } finally {
        watchers.forEach(Watch.Watcher::close);
      }
      return m;
    }

    private void report(Map<String, Object> m, String name, double rate, OpenLoop.Result res) throws Exception {
      m.put(name, res.json());
      for (String k : res.firstUnresolved().keySet()) {
        var kvs = etcd.getKVClient().get(io.etcd.jetcd.ByteSequence.from(k, java.nio.charset.StandardCharsets.UTF_8)).get(15, TimeUnit.SECONDS).getKvs();
        byte[] z = curator.checkExists().forPath(k) == null ? null : curator.getData().forPath(k);
        System.out.printf("  not seen: %s first unseen seq %d; now etcd=%s zookeeper=%s%n", k, res.firstUnresolved().get(k),
            kvs.isEmpty() ? "absent" : kvs.get(0).getValue().toString(java.nio.charset.StandardCharsets.UTF_8), z == null ? "absent" : new String(z, java.nio.charset.StandardCharsets.UTF_8));
      }
      System.out.printf("bridge bench %s writes/s, %s: %s; issued %d, acknowledged %d, not seen %d %s, write errors %d, achieved %.1f/s, writer max behind %.1f ms%n", key(rate), name,
          res.lagNanos().isEmpty() ? "no samples" : Stats.ofNanos(res.lagNanos()), res.issued(), res.acked(), res.unresolved(), res.firstUnresolved(), res.writeErrors(), res.achievedRate(), res.maxBehindNanos() / 1e6);
    }

    /** p99 ratio vs the raw watch of the target store, and p50 vs the floor (source watch + target watch). */
    @SuppressWarnings("unchecked")
    private static void ratios(Map<String, Object> m, String name, String targetRaw, String sourceRaw) {
      Map<String, Object> d = (Map<String, Object>) m.get(name);
      Map<String, Object> t = (Map<String, Object>) m.get(targetRaw);
      Map<String, Object> s = (Map<String, Object>) m.get(sourceRaw);
      if (!d.containsKey("p99_ms") || !t.containsKey("p99_ms") || !s.containsKey("p50_ms")) return;
      double p99 = (Double) d.get("p99_ms");
      d.put("ratio_p99_vs_raw_watch_of_target", Stats.round(p99 / (Double) t.get("p99_ms")));
      double floor = (Double) s.get("p50_ms") + (Double) t.get("p50_ms");
      d.put("floor_p50_ms_source_plus_target_raw_watch", Stats.round(floor));
      d.put("ratio_p50_vs_floor", Stats.round((Double) d.get("p50_ms") / floor));
    }
  }
}
