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
import java.util.concurrent.TimeUnit;

/**
 * BENCHMARKS.md item 2: first-time activation of a plugin jar fetched over HTTP (small, 1 MB, 20 MB),
 * through a real sidecar and a real sample host on etcd: time from the {@code enabled=true} write
 * returning to the first host response carrying the plugin's header. Every sample uses a jar with
 * new bytes (new sha256), so each one is fetched, hashed, written to the cache, read and loaded by
 * the runtime, and started. Attach is excluded (a warm-up activation attaches first).
 * Baseline, same run and same HTTP server: a raw download of the same bytes to a file
 * ({@code curl -o} equivalent, java.net.http).
 * Usage: {@code ActivationBench [samples1m] [samples20m] [out.json]}.
 */
public final class ActivationBench {
  static final Duration WAIT = Duration.ofSeconds(120);

  private ActivationBench() {}

  public static void main(String[] args) throws Exception {
    int n1 = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int n20 = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    if (n1 < 1 || n20 < 1) throw new IllegalArgumentException("samples < 1: " + n1 + ", " + n20);
    Path out = Path.of(args.length > 2 ? args[2] : "target/results/activation.json");
    if (System.getProperty("switchboard.testkit") == null) System.setProperty("switchboard.testkit", "local");
    Path tmp = Files.createTempDirectory("switchboard-bench-activation-");
    Path logs = out.toAbsolutePath().getParent().resolve("logs");
    Path jars = Files.createDirectories(tmp.resolve("www"));
    Map<String, Object> result = new LinkedHashMap<>();
    EtcdCluster etcd = EtcdCluster.single();
    try (FileServer www = new FileServer(jars)) {
      etcd.start();
      try (KeySpace ks = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).build());
          Node node = new Node(tmp, "bench-activation").startHost(logs)
              .startAgent(logs, "etcd: {endpoints: [" + etcd.endpoints() + "]}")) {
        HostProbe probe = new HostProbe(node.hostPort);
        Path source = BenchDist.plugin("response-header", "1.0.0");
        // warm-up: attach + first use of the sidecar's HTTP client (excluded, stated in the JSON)
        Path warm = BenchJars.variant(source, jars.resolve("warm.jar"), "bench-warm", "1.0.0", 16, 1);
        Node.put(ks, Node.pluginKey(node.service, "bench-warm", "artifact"), BenchJars.artifact(www.url(warm), warm, "1.0.0"));
        long t0 = System.nanoTime();
        Node.put(ks, Node.pluginKey(node.service, "bench-warm", "enabled"), "true");
        probe.awaitMarker(true, WAIT);
        result.put("warmup_first_activation_incl_attach_ms", Stats.round((System.nanoTime() - t0) / 1e6));
        Node.put(ks, Node.pluginKey(node.service, "bench-warm", "enabled"), "false");
        probe.awaitMarker(false, WAIT);
        HttpClient raw = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        long seed = 100;
        for (Object[] size : new Object[][] {{"small", 16L, 5}, {"1mb", 1L << 20, n1}, {"20mb", 20L << 20, n20}}) {
          String label = (String) size[0];
          String id = "bench-act-" + label;
          List<Long> fromReturn = new ArrayList<>();
          List<Long> fromIssue = new ArrayList<>();
          List<Long> baseline = new ArrayList<>();
          long jarBytes = 0;
          for (int i = 0; i < (int) size[2]; i++) {
            Path jar = BenchJars.variant(source, jars.resolve(id + "-" + i + ".jar"), id, "1.0.0", (Long) size[1], seed++);
            jarBytes = Files.size(jar);
            Node.put(ks, Node.pluginKey(node.service, id, "artifact"), BenchJars.artifact(www.url(jar), jar, "1.0.0"));
            long a = System.nanoTime();
            Node.put(ks, Node.pluginKey(node.service, id, "enabled"), "true");
            long b = System.nanoTime();
            long seen = probe.awaitMarker(true, WAIT);
            fromIssue.add(seen - a);
            fromReturn.add(seen - b);
            Node.put(ks, Node.pluginKey(node.service, id, "enabled"), "false");
            probe.awaitMarker(false, WAIT);
            baseline.add(rawDownload(raw, www.url(jar), tmp.resolve("raw.jar")));
            Files.delete(jar);
            TimeUnit.MILLISECONDS.sleep(200); // let the deactivation's unload check finish
          }
          Stats act = Stats.ofNanos(fromReturn);
          Stats base = Stats.ofNanos(baseline);
          System.out.printf("[%s, %d bytes] first activation over HTTP (from write return): %s; raw download: %s; ratio p50 %.1fx%n",
              label, jarBytes, act, base, act.p50() / base.p50());
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("jar_bytes", jarBytes);
          m.put("first_activation", act.json());
          m.put("first_activation_from_write_issued", Stats.ofNanos(fromIssue).json());
          m.put("baseline_raw_http_download_to_file", base.json());
          m.put("ratio_p50_vs_raw_download", Stats.round(act.p50() / base.p50()));
          m.put("ratio_p99_vs_raw_download", Stats.round(act.p99() / base.p99()));
          result.put(label, m);
        }
        result.put("http_requests_served", www.requests.get());
      }
    } finally {
      etcd.close();
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
    System.out.println("written " + out.toAbsolutePath());
  }

  /** GET {@code url} into {@code file} (no hashing, no fsync): what {@code curl -o} does. */
  static long rawDownload(HttpClient client, String url, Path file) throws Exception {
    Files.deleteIfExists(file);
    long t0 = System.nanoTime();
    HttpResponse<Path> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofFile(file));
    long t = System.nanoTime() - t0;
    if (r.statusCode() != 200) throw new IllegalStateException("raw download of " + url + ": HTTP " + r.statusCode());
    return t;
  }
}
