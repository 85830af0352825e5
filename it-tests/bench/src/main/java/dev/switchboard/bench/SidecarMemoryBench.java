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
 * BENCHMARKS.md item 8: RSS and CPU of an idle real sidecar with 20 plugins active (20 distinct generated
 * jars, each activated through etcd with its own response header), for one or more sets of sidecar
 * JVM flags; each set gets a fresh host + sidecar. After the idle measurement one plugin is flipped
 * off and on again, to show the sidecar still works with those flags.
 * Flag sets: {@code -Dbench.sidecarFlagSets="label=flag flag ...;label2=..."}; a token
 * {@code env:NAME=VALUE} sets an environment variable instead. With
 * {@code -XX:NativeMemoryTracking=summary} in a set, the NMT summary goes to the logs.
 * Usage: {@code SidecarMemoryBench [plugins] [out.json]}.
 */
public final class SidecarMemoryBench {
  /** The flags of the integration tests, and the tuned set also used by deploy/docker/Dockerfile.sidecar. */
  static final String DEFAULT_SETS = "it-flags=" + String.join(" ", Proc.DEFAULT_FLAGS) + ";tuned=" + TunedFlags.SIDECAR;
  static final Duration WAIT = Duration.ofSeconds(120);

  private SidecarMemoryBench() {}

  public static void main(String[] args) throws Exception {
    int plugins = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    if (plugins < 1 || plugins > 99) throw new IllegalArgumentException("plugins not in 1..99: " + plugins);
    Path out = Path.of(args.length > 1 ? args[1] : "target/results/sidecar-memory.json");
    if (System.getProperty("switchboard.testkit") == null) System.setProperty("switchboard.testkit", "local");
    Path tmp = Files.createTempDirectory("switchboard-bench-memory-");
    Path logs = out.toAbsolutePath().getParent().resolve("logs");
    Path source = BenchDist.plugin("response-header", "1.0.0");
    List<Path> jars = new ArrayList<>();
    for (int i = 1; i <= plugins; i++) {
      jars.add(BenchJars.variant(source, tmp.resolve("jars/" + id(i) + ".jar"), id(i), "1.0.0", 0, 0));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("plugins", plugins);
    EtcdCluster etcd = EtcdCluster.single();
    try {
      etcd.start();
      try (KeySpace ks = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).build())) {
        int n = 0;
        for (String set : System.getProperty("bench.sidecarFlagSets", DEFAULT_SETS).split(";")) {
          if (set.isBlank()) continue;
          int eq = set.indexOf('=');
          if (eq < 1) throw new IllegalArgumentException("flag set without 'label=': " + set);
          String label = set.substring(0, eq).trim();
          List<String> flags = new ArrayList<>();
          Map<String, String> env = new LinkedHashMap<>();
          for (String tok : set.substring(eq + 1).trim().split("\\s+")) {
            if (tok.startsWith("env:")) {
              String[] kv = tok.substring(4).split("=", 2);
              if (kv.length != 2) throw new IllegalArgumentException("env token is not env:NAME=VALUE: " + tok);
              env.put(kv[0], kv[1]);
            } else if (!tok.isEmpty()) {
              flags.add(tok);
            }
          }
          result.put(label, measure(ks, etcd.endpoints(), tmp, logs, "bench-mem-" + (++n), label, flags, env, jars));
        }
      }
    } finally {
      etcd.close();
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
    System.out.println("written " + out.toAbsolutePath());
  }

  static String id(int i) {
    return String.format("bench-mem-%02d", i);
  }

  static String header(int i) {
    return String.format("X-Bench-%02d", i);
  }

  static Map<String, Object> measure(KeySpace ks, String endpoints, Path tmp, Path logs, String service, String label,
      List<String> flags, Map<String, String> env, List<Path> jars) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("sidecar_jvm_flags", String.join(" ", flags));
    r.put("sidecar_env", env);
    try (Node node = new Node(tmp, service).startHost(logs)
        .startAgent(logs, "etcd: {endpoints: [" + endpoints + "]}", flags, env, List.of())) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      long t0 = System.nanoTime();
      for (int i = 1; i <= jars.size(); i++) {
        Path jar = jars.get(i - 1);
        Node.put(ks, Node.pluginKey(service, id(i), "artifact"), BenchDist.artifact(jar, "1.0.0"));
        Node.put(ks, Node.pluginKey(service, id(i), "config"), "{\"header\":\"" + header(i) + "\"}");
        Node.put(ks, Node.pluginKey(service, id(i), "enabled"), "true");
      }
      awaitHeaders(http, node.hostPort, jars.size(), true);
      double allLive = (System.nanoTime() - t0) / 1e6;
      r.put("all_plugins_live_ms_incl_attach", Stats.round(allLive));
      TimeUnit.SECONDS.sleep(5); // settle
      Map<String, Object> idle = ProcStat.idle(node.agent.pid(), 10);
      long rss = (Long) idle.get("rss_bytes");
      r.put("idle", idle);
      r.put("rss_mb", Stats.round(rss / 1048576.0));
      r.put("goal_rss_mb", 96);
      r.put("met", rss <= 96L << 20);
      String mem = ProcStat.jcmd(node.agent.pid(), "VM.native_memory", "summary") + ProcStat.jcmd(node.agent.pid(), "GC.heap_info");
      Files.writeString(logs.resolve("sidecar-memory-" + label + ".txt"), mem);
      // still working with these flags: plugin 1 off and on again through the store
      long f0 = System.nanoTime();
      Node.put(ks, Node.pluginKey(service, id(1), "enabled"), "false");
      awaitHeaders(http, node.hostPort, jars.size() - 1, false);
      Node.put(ks, Node.pluginKey(service, id(1), "enabled"), "true");
      awaitHeaders(http, node.hostPort, jars.size(), true);
      r.put("flip_off_and_on_after_idle_ms", Stats.round((System.nanoTime() - f0) / 1e6));
      r.put("rss_mb_after_flip", Stats.round(ProcStat.rssBytes(node.agent.pid()) / 1048576.0));
      System.out.printf("[%s] sidecar with %d plugins active: RSS idle %.1f MB (goal <= 96 MB: %s), idle CPU %s %% of one core;"
              + " all live after %.0f ms; flip off+on %.0f ms; RSS after flip %.1f MB; flags: %s %s%n",
          label, jars.size(), rss / 1048576.0, rss <= 96L << 20 ? "met" : String.format("missed by %.1f MB", rss / 1048576.0 - 96),
          idle.get("cpu_percent_of_one_core"), allLive, r.get("flip_off_and_on_after_idle_ms"), r.get("rss_mb_after_flip"), flags, env);
    }
    return r;
  }

  /** Waits until {@code GET /} carries X-Bench-01..n (plugin 1 absent when {@code !firstPresent}). */
  static void awaitHeaders(HttpClient http, int port, int count, boolean firstPresent) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build();
    long deadline = System.nanoTime() + WAIT.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<Void> resp;
      try {
        resp = http.send(req, HttpResponse.BodyHandlers.discarding());
      } catch (java.net.http.HttpTimeoutException e) { // stalled host on an overloaded machine: keep polling
        last = e.toString();
        continue;
      }
      int seen = 0;
      for (int i = 1; i <= 99; i++) if (resp.headers().firstValue(header(i)).isPresent()) seen++;
      boolean first = resp.headers().firstValue(header(1)).isPresent();
      if (resp.statusCode() == 200 && seen == count && first == firstPresent) return;
      last = "status " + resp.statusCode() + ", " + seen + " plugin headers, X-Bench-01 present=" + first;
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new IllegalStateException("host did not show " + count + " plugin headers within " + WAIT + " (last: " + last + ")");
  }
}
