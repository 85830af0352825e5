package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * BENCHMARKS.md item 1: flip→live and flip→not-live with a cached jar, etcd and ZooKeeper, against a real
 * sample host and a real sidecar process, with the raw watch latency of the same servers as baseline.
 * Usage: {@code FlipBench [flips] [out.json]}.
 */
public final class FlipBench {
  static final Duration WAIT = Duration.ofSeconds(60);
  /** Pause after each flip ({@code -Dbench.flipPauseMs}, default 20). */
  static final long PAUSE_MS = Long.getLong("bench.flipPauseMs", 20);
  /** Pause between two polls of the host ({@code -Dbench.pollPauseUs}, default 100). */
  static final long POLL_PAUSE_NANOS = Long.getLong("bench.pollPauseUs", 100) * 1000;

  private FlipBench() {}

  public static void main(String[] args) throws Exception {
    int flips = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    if (flips < 1) throw new IllegalArgumentException("flips < 1: " + flips);
    Path out = Path.of(args.length > 1 ? args[1] : "target/results/flip.json");
    if (System.getProperty("switchboard.testkit") == null && System.getenv("SWITCHBOARD_TESTKIT") == null) {
      System.setProperty("switchboard.testkit", "local");
    }
    Path tmp = Files.createTempDirectory("switchboard-bench-");
    Path logs = out.toAbsolutePath().getParent().resolve("logs");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("flips", flips);
    result.put("poll_pause_us", POLL_PAUSE_NANOS / 1000);
    result.put("probe", "GET / over one keep-alive HTTP/1.1 connection, blocking, in the measuring thread (FlipProbe)");
    result.put("pause_between_flips_ms", PAUSE_MS);
    EtcdCluster etcd = EtcdCluster.single();
    ZooKeeperEnsemble zk = ZooKeeperEnsemble.servers(1);
    try {
      etcd.start();
      zk.start();
      try (KeySpace ks = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).build())) {
        result.put("etcd", run("etcd", ks, "etcd: {endpoints: [" + etcd.endpoints() + "]}", tmp, logs, flips,
            () -> RawWatchBaseline.etcd(etcd.endpoints(), flips)));
      }
      try (KeySpace ks = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).build())) {
        result.put("zookeeper", run("zookeeper", ks, "zookeeper: {connect: \"" + zk.connectString() + "\"}", tmp, logs, flips,
            () -> RawWatchBaseline.zookeeper(zk.connectString(), flips)));
      }
    } finally {
      zk.close();
      etcd.close();
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
    System.out.println("written " + out.toAbsolutePath());
  }

  interface Baseline {
    List<List<Long>> measure() throws Exception;
  }

  static Map<String, Object> run(String store, KeySpace ks, String storeLine, Path tmp, Path logs, int flips, Baseline baseline)
      throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    try (Node node = new Node(tmp, "bench-" + store).startHost(logs).startAgent(logs, storeLine);
        FlipProbe probe = new FlipProbe(node.hostPort, POLL_PAUSE_NANOS, Duration.ofSeconds(5))) {
      String enabled = Node.pluginKey(node.service, "response-header", "enabled");
      put(ks, Node.pluginKey(node.service, "response-header", "artifact"), BenchDist.artifact(BenchDist.plugin("response-header", "1.0.0"), "1.0.0"));
      long t0 = System.nanoTime();
      put(ks, enabled, "true");
      long tFirst = probe.awaitMarker(true, WAIT);
      r.put("first_activation_ms_incl_attach_and_fetch", Stats.round((tFirst - t0) / 1e6));
      System.out.printf("[%s] first activation (attach + file: fetch + load): %.1f ms%n", store, (tFirst - t0) / 1e6);

      List<List<Long>> base = baseline.measure();
      Stats raw = Stats.ofNanos(base.get(0));
      System.out.printf("[%s] raw write->watch event: %s (write round trip %s)%n", store, raw, Stats.ofNanos(base.get(1)));

      List<Long> liveFromReturn = new ArrayList<>();
      List<Long> liveFromIssue = new ArrayList<>();
      List<Long> offFromReturn = new ArrayList<>();
      List<Long> offFromIssue = new ArrayList<>();
      JstatGc gcBefore = JstatGc.of(node.host.pid());
      probe.roundTrips().clear();
      long tFlips = System.nanoTime();
      for (int i = 0; i < flips; i++) {
        flip(ks, enabled, "false", probe, offFromIssue, offFromReturn);
        flip(ks, enabled, "true", probe, liveFromIssue, liveFromReturn);
      }
      Map<String, Object> hostGc = JstatGc.of(node.host.pid()).since(gcBefore);
      hostGc.put("flips_wall_ms", Stats.round((System.nanoTime() - tFlips) / 1e6));
      System.out.printf("[%s] host collections during the flips: %s%n", store, hostGc);
      r.put("host_gc_during_flips", hostGc);
      Stats rtt = Stats.ofNanos(probe.roundTrips());
      System.out.printf("[%s] probe round trip during the flips (detection step): %s%n", store, rtt);
      r.put("probe_round_trip_during_flips", rtt.json());
      Stats live = Stats.ofNanos(liveFromReturn);
      Stats off = Stats.ofNanos(offFromReturn);
      System.out.printf("[%s] flip->live     (from write return): %s%n", store, live);
      System.out.printf("[%s] flip->not-live (from write return): %s%n", store, off);
      r.put("baseline_raw_watch", raw.json());
      r.put("baseline_write_rtt", Stats.ofNanos(base.get(1)).json());
      r.put("flip_to_live", live.json());
      r.put("flip_to_live_from_write_issued", Stats.ofNanos(liveFromIssue).json());
      r.put("flip_to_not_live", off.json());
      r.put("flip_to_not_live_from_write_issued", Stats.ofNanos(offFromIssue).json());
      r.put("ratio_p50_live_vs_raw", Stats.round(Stats.ofNanos(liveFromIssue).p50() / raw.p50()));
      r.put("ratio_p99_live_vs_raw", Stats.round(Stats.ofNanos(liveFromIssue).p99() / raw.p99()));
      Thread.sleep(5000); // settle, then idle figures with the plugin active
      Map<String, Object> agentIdle = ProcStat.idle(node.agent.pid(), 10);
      System.out.printf("[%s] sidecar idle, 1 plugin active: %s%n", store, agentIdle);
      r.put("sidecar_idle_1_plugin", agentIdle);
      // memory breakdown (needs -Dbench.childJvmArgs=-XX:NativeMemoryTracking=summary) and heap, for the log
      Files.writeString(logs.resolve("sidecar-" + store + "-memory.txt"),
          ProcStat.jcmd(node.agent.pid(), "VM.native_memory", "summary") + ProcStat.jcmd(node.agent.pid(), "GC.heap_info"));
      r.put("ratio_p99_not_live_vs_raw", Stats.round(Stats.ofNanos(offFromIssue).p99() / raw.p99()));
    }
    return r;
  }

  static void flip(KeySpace ks, String key, String value, FlipProbe probe, List<Long> fromIssue, List<Long> fromReturn)
      throws Exception {
    long t0 = System.nanoTime();
    put(ks, key, value);
    long t1 = System.nanoTime();
    long seen = probe.awaitMarker(value.equals("true"), WAIT);
    fromIssue.add(seen - t0);
    fromReturn.add(seen - t1);
    TimeUnit.MILLISECONDS.sleep(PAUSE_MS); // let this flip's aftermath (status writes, unload check) settle
  }

  static void put(KeySpace ks, String key, String value) throws Exception {
    ks.put(key, value.getBytes(StandardCharsets.UTF_8)).get(15, TimeUnit.SECONDS);
  }
}
