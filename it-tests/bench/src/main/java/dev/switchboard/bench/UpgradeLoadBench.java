package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.testkit.EtcdCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * BENCHMARKS.md item 9: upgrade under load. An open-loop load ({@link OpenLoopLoad}, default 1,000 req/s)
 * against a real sample host while a real sidecar upgrades {@code response-header} 1.0.0 ↔ 2.0.0
 * again and again (the {@code artifact} key rewritten in etcd, each swap awaited until the host
 * shows the new version, then 200 ms pause). Same load without swaps in the same run, the two
 * alternating ({@code -Dbench.loadRounds}, default 2 rounds of each, secondsPerPhase split over them):
 * failed requests (goal 0), responses without the plugin's header (an upgrade must never leave a
 * gap), p50/p99/max latency with and without swaps.
 * Usage: {@code UpgradeLoadBench [ratePerSecond] [secondsPerPhase] [out.json]}.
 */
public final class UpgradeLoadBench {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final int CONNECTIONS = Integer.getInteger("bench.loadConnections", 32);
  static final int ROUNDS = Integer.getInteger("bench.loadRounds", 2);

  private UpgradeLoadBench() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
    if (rate < 1 || seconds <= 0) throw new IllegalArgumentException("rate < 1 or seconds <= 0: " + rate + ", " + seconds);
    Path out = Path.of(args.length > 2 ? args[2] : "target/results/upgrade-load.json");
    if (System.getProperty("switchboard.testkit") == null) System.setProperty("switchboard.testkit", "local");
    Path tmp = Files.createTempDirectory("switchboard-bench-upgrade-");
    Path logs = out.toAbsolutePath().getParent().resolve("logs");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("rate_per_second", rate);
    result.put("seconds_per_phase", seconds);
    result.put("connections", CONNECTIONS);
    result.put("alternating_rounds", ROUNDS);
    EtcdCluster etcd = EtcdCluster.single();
    try {
      etcd.start();
      try (KeySpace ks = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).build());
          Node node = new Node(tmp, "bench-upgrade").startHost(logs).startAgent(logs, "etcd: {endpoints: [" + etcd.endpoints() + "]}")) {
        String[] artifacts = {BenchDist.artifact(BenchDist.plugin("response-header", "1.0.0"), "1.0.0"),
            BenchDist.artifact(BenchDist.plugin("response-header", "2.0.0"), "2.0.0")};
        String[] markers = {"response-header/1.0.0", "response-header/2.0.0"};
        String artifactKey = Node.pluginKey(node.service, "response-header", "artifact");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Node.put(ks, artifactKey, artifacts[0]);
        Node.put(ks, Node.pluginKey(node.service, "response-header", "enabled"), "true");
        awaitMarker(http, node.hostPort, markers[0]);
        // warm-up both versions once (first load of 2.0.0's classes), not measured
        for (int v : new int[] {1, 0}) {
          Node.put(ks, artifactKey, artifacts[v]);
          awaitMarker(http, node.hostPort, markers[v]);
        }
        OpenLoopLoad load = new OpenLoopLoad(node.hostPort, CONNECTIONS, 10_000);
        load.run(rate, Math.min(2, seconds)); // warm-up of host and load generator, not measured
        // ROUNDS alternations of (no swaps, swaps), seconds/ROUNDS each, so machine noise hits both alike
        List<OpenLoopLoad.Result> quietParts = new ArrayList<>();
        List<OpenLoopLoad.Result> swapParts = new ArrayList<>();
        List<Long> swapTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
        int[] version = {0};
        for (int round = 0; round < ROUNDS; round++) {
          quietParts.add(load.run(rate, seconds / ROUNDS));
          AtomicBoolean swapping = new AtomicBoolean(true);
          CompletableFuture<Void> swapper = CompletableFuture.runAsync(() -> {
            try {
              TimeUnit.MILLISECONDS.sleep(100);
              while (swapping.get()) {
                int v = version[0] = 1 - version[0];
                long t0 = System.nanoTime();
                Node.put(ks, artifactKey, artifacts[v]);
                awaitMarker(http, node.hostPort, markers[v]);
                swapTimes.add(System.nanoTime() - t0);
                TimeUnit.MILLISECONDS.sleep(200);
              }
            } catch (Exception e) {
              throw new IllegalStateException("swapper: " + e, e);
            }
          });
          try {
            swapParts.add(load.run(rate, seconds / ROUNDS));
          } finally {
            swapping.set(false);
          }
          swapper.get(2, TimeUnit.MINUTES); // the last swap finishes before the next quiet part
        }
        OpenLoopLoad.Result quiet = OpenLoopLoad.merge(quietParts);
        OpenLoopLoad.Result swaps = OpenLoopLoad.merge(swapParts);
        Stats q = Stats.ofNanos(quiet.latencies());
        Stats s = Stats.ofNanos(swaps.latencies());
        result.put("without_swaps", phase(quiet, q));
        Map<String, Object> sw = phase(swaps, s);
        sw.put("swaps", swapTimes.size());
        sw.put("swap_write_to_new_version_seen", swapTimes.isEmpty() ? null : Stats.ofNanos(swapTimes).json());
        result.put("during_swaps", sw);
        result.put("ratio_p99_swaps_vs_quiet", Stats.round(s.p99() / q.p99()));
        result.put("ratio_p50_swaps_vs_quiet", Stats.round(s.p50() / q.p50()));
        System.out.printf("[%d req/s, %.0f s] without swaps: %s, failed %d of %d, markers %s%n", rate, seconds, q, quiet.failed(), quiet.sent(), quiet.markers());
        System.out.printf("[%d req/s, %.0f s] during %d swaps: %s, failed %d of %d, markers %s; swap write->new version seen: %s%n",
            rate, seconds, swapTimes.size(), s, swaps.failed(), swaps.sent(), swaps.markers(),
            swapTimes.isEmpty() ? "-" : Stats.ofNanos(swapTimes));
        System.out.printf("ratio p99 during swaps / without: %.2f; errors: %s%n", s.p99() / q.p99(), swaps.errors());
      }
    } finally {
      etcd.close();
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
    System.out.println("written " + out.toAbsolutePath());
  }

  static Map<String, Object> phase(OpenLoopLoad.Result r, Stats latency) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requests", r.sent());
    m.put("failed", r.failed());
    m.put("without_plugin_header", r.markers().getOrDefault("(none)", 0L));
    m.put("by_header", r.markers());
    m.put("achieved_rate_per_second", Stats.round(r.sent() / r.seconds()));
    m.put("latency_from_due_time", latency.json());
    m.put("errors_first_20", r.errors());
    return m;
  }

  static void awaitMarker(HttpClient http, int port, String expected) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<Void> r;
      try {
        r = http.send(req, HttpResponse.BodyHandlers.discarding());
      } catch (java.net.http.HttpTimeoutException e) { // stalled host on an overloaded machine: keep polling
        continue;
      }
      if (expected.equals(r.headers().firstValue("X-Switchboard-Plugin").orElse(null))) return;
      TimeUnit.MILLISECONDS.sleep(2);
    }
    throw new IllegalStateException("host did not show " + expected + " within " + WAIT);
  }
}
