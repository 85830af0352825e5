package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Combines the JMH JSON, flip.json and runtime.json of one run into {@code bench-results.json}
 * (goals, met/missed, margins) and prints a Markdown results table.
 * Usage: {@code Summary resultsDir machineNote}.
 */
public final class Summary {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Summary() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/results");
    ObjectNode out = JSON.createObjectNode();
    out.put("machine", args.length > 1 ? args[1] : "");
    out.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    out.put("cores", Runtime.getRuntime().availableProcessors());
    StringBuilder md = new StringBuilder();
    md.append("| metric | n | p50 | p99 | max | baseline (same run) | ratio | goal | met? |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    Path jmh = dir.resolve("jmh-dispatch.json");
    if (Files.isRegularFile(jmh)) dispatch(JSON.readTree(jmh.toFile()), out.putObject("dispatch"), md);
    Path flip = dir.resolve("flip.json");
    if (Files.isRegularFile(flip)) {
      JsonNode f = JSON.readTree(flip.toFile());
      out.set("flip", f);
      for (String store : new String[] {"etcd", "zookeeper"}) {
        JsonNode s = f.path(store);
        if (s.isMissingNode()) continue;
        JsonNode idle = s.path("sidecar_idle_1_plugin");
        if (!idle.isMissingNode()) {
          double mb = idle.path("rss_bytes").asLong() / 1048576.0;
          md.append(String.format("| sidecar (%s) RSS idle in the flip step: 1 plugin, test flags -Xmx256m (item 8 is step 7) | 1 | %.1f MB | | | idle CPU %.2f %% of one core over %.0f s | – | – | – |%n",
              store, mb, idle.path("cpu_percent_of_one_core").asDouble(), idle.path("idle_seconds").asDouble()));
        }
        JsonNode raw = s.path("baseline_raw_watch");
        for (String kind : new String[] {"flip_to_live", "flip_to_not_live"}) {
          JsonNode m = s.path(kind);
          JsonNode fromIssue = s.path(kind + "_from_write_issued");
          double ratio = fromIssue.path("p99_ms").asDouble() / raw.path("p99_ms").asDouble();
          boolean met = m.path("p99_ms").asDouble() <= 20 && ratio <= 5;
          md.append(String.format("| %s %s (from write return) | %d | %.2f ms | %.2f ms | %.2f ms | raw watch p50 %.2f / p99 %.2f ms | p99 %.1f× (from write issued) | p99 ≤ 20 ms and ≤ 5× raw | %s |%n",
              store, kind.replace('_', ' '), m.path("n").asInt(), m.path("p50_ms").asDouble(), m.path("p99_ms").asDouble(), m.path("max_ms").asDouble(),
              raw.path("p50_ms").asDouble(), raw.path("p99_ms").asDouble(), ratio,
              met ? "met" : String.format("missed (p99 %+.1f ms vs 20 ms, ratio %.1f× vs 5×)", m.path("p99_ms").asDouble() - 20, ratio)));
        }
      }
    }
    Path rt = dir.resolve("runtime.json");
    if (Files.isRegularFile(rt)) {
      JsonNode r = JSON.readTree(rt.toFile());
      out.set("runtime", r);
      if (r.has("client_prepare_ms")) {
        md.append(String.format("| attach client prepared once before the samples (cold bench JVM; the sidecar does it at start) | 1 | %.1f ms | | | – | – | – | – |%n",
            r.path("client_prepare_ms").asDouble()));
      }
      for (String k : new String[] {"attach_first_time", "re_adopt"}) {
        JsonNode m = r.path(k);
        md.append(String.format("| attach + runtime ready, %s | %d | %.1f ms | %.1f ms | %.1f ms | – | – | ≤ 300 ms | %s |%n",
            k.equals("re_adopt") ? "re-adopt" : "first time (fresh host JVM)", m.path("n").asInt(), m.path("p50_ms").asDouble(),
            m.path("p99_ms").asDouble(), m.path("max_ms").asDouble(),
            m.path("max_ms").asDouble() <= 300 ? "met (max)"
                : m.path("p50_ms").asDouble() <= 300 ? String.format("p50 met; max %+.0f ms over", m.path("max_ms").asDouble() - 300)
                : String.format("missed: p50 %+.0f ms, max %+.0f ms over", m.path("p50_ms").asDouble() - 300, m.path("max_ms").asDouble() - 300)));
      }
      JsonNode c = r.path("cycles");
      if (!c.isMissingNode()) {
        long growth = c.path("metaspace_growth_bytes").asLong();
        long collected = c.path("unloads_collected").asLong();
        int cycles = c.path("cycles").asInt();
        md.append(String.format("| %d activate/deactivate cycles: metaspace growth | 1 | %+.2f MB | | | before %.2f MB | – | ≤ 2 MB | %s |%n",
            cycles, growth / 1048576.0, c.path("metaspace_used_before_bytes").asLong() / 1048576.0, growth <= 2L << 20 ? "met" : "missed"));
        md.append(String.format("| same cycles: loaders collected | %d | %d of %d collected | | | | – | 100 %% | %s |%n",
            cycles, collected, cycles, collected == cycles ? "met" : "missed"));
        md.append(String.format("| same cycles: heap used after full GC | 1 | %.2f → %.2f MB | | | | – | – | – |%n",
            c.path("heap_used_after_full_gc_before_bytes").asLong() / 1048576.0, c.path("heap_used_after_full_gc_after_bytes").asLong() / 1048576.0));
        JsonNode t = c.path("cycle_time");
        md.append(String.format("| one activate+deactivate cycle (control channel round trips) | %d | %.1f ms | %.1f ms | %.1f ms | – | – | – | – |%n",
            t.path("n").asInt(), t.path("p50_ms").asDouble(), t.path("p99_ms").asDouble(), t.path("max_ms").asDouble()));
      }
    }
    Path bridge = dir.resolve("bridge.json");
    if (Files.isRegularFile(bridge)) {
      JsonNode b = JSON.readTree(bridge.toFile());
      out.set("bridge", b);
      for (String[] d : new String[][] {{"etcd_to_zookeeper", "baseline_raw_watch_zookeeper", "etcd → ZooKeeper"},
          {"zookeeper_to_etcd", "baseline_raw_watch_etcd", "ZooKeeper → etcd"}}) {
        JsonNode m = b.path(d[0]);
        JsonNode raw = b.path(d[1]);
        md.append(String.format("| bridge lag %s at 10 writes/s | %d | %.2f ms | %.2f ms | %.2f ms | raw watch of the target store p50 %.2f / p99 %.2f ms | p99 %.1f× | p99 ≤ 10 ms | %s |%n",
            d[2], m.path("n").asInt(), m.path("p50_ms").asDouble(), m.path("p99_ms").asDouble(), m.path("max_ms").asDouble(),
            raw.path("p50_ms").asDouble(), raw.path("p99_ms").asDouble(), m.path("p99_ms").asDouble() / raw.path("p99_ms").asDouble(),
            m.path("p99_ms").asDouble() <= 10 ? "met" : String.format("missed by %.1f ms", m.path("p99_ms").asDouble() - 10)));
      }
    }
    activation(dir.resolve("activation.json"), out, md);
    pf4j(dir.resolve("pf4j.json"), out, md);
    sidecarMemory(dir.resolve("sidecar-memory.json"), out, md);
    upgradeLoad(dir.resolve("upgrade-load.json"), out, md);
    JSON.writeValue(dir.resolve("bench-results.json").toFile(), out);
    Files.writeString(dir.resolve("table.md"), md.toString());
    System.out.println(md);
  }

  /** Item 2: first-time activation over HTTP vs raw download of the same bytes. */
  private static void activation(Path file, ObjectNode out, StringBuilder md) throws java.io.IOException {
    if (!Files.isRegularFile(file)) return;
    JsonNode a = JSON.readTree(file.toFile());
    out.set("activation_over_http", a);
    for (String size : new String[] {"small", "1mb", "20mb"}) {
      JsonNode s = a.path(size);
      if (s.isMissingNode()) continue;
      JsonNode m = s.path("first_activation");
      JsonNode b = s.path("baseline_raw_http_download_to_file");
      long bytes = s.path("jar_bytes").asLong();
      String shown = bytes < 1 << 20 ? String.format("%.1f KB", bytes / 1024.0) : String.format("%.2f MB", bytes / 1048576.0);
      md.append(String.format("| first-time activation over HTTP, %s jar (%s; fetch+sha256+cache+load+start, attach excluded) | %d | %.1f ms | %.1f ms | %.1f ms | raw HTTP download of the same bytes p50 %.1f / p99 %.1f ms | p50 %.1f× / p99 %.1f× | – | – |%n",
          size, shown, m.path("n").asInt(), m.path("p50_ms").asDouble(), m.path("p99_ms").asDouble(),
          m.path("max_ms").asDouble(), b.path("p50_ms").asDouble(), b.path("p99_ms").asDouble(),
          s.path("ratio_p50_vs_raw_download").asDouble(), s.path("ratio_p99_vs_raw_download").asDouble()));
    }
  }

  /** Item 5: ours vs PF4J, same JVM. */
  private static void pf4j(Path file, ObjectNode out, StringBuilder md) throws java.io.IOException {
    if (!Files.isRegularFile(file)) return;
    JsonNode p = JSON.readTree(file.toFile());
    out.set("pf4j_comparison", p);
    for (String v : new String[] {"until_unload_returned", "until_loader_collected"}) {
      JsonNode m = p.path(v);
      if (m.isMissingNode()) continue;
      JsonNode o = m.path("ours");
      JsonNode b = m.path("pf4j");
      double r = m.path("ratio_p50_ours_vs_pf4j").asDouble();
      md.append(String.format("| load+start+call+stop+unload, %s (ours; loaders collected %d/%d) | %d | %.2f ms | %.2f ms | %.2f ms | PF4J %s p50 %.2f / p99 %.2f / max %.2f ms (collected %d/%d) | p50 %.2f× / p99 %.2f× | ratio ≤ 1.0 | %s |%n",
          v.replace('_', ' '), m.path("ours_loaders_collected").asInt(), o.path("n").asInt(), o.path("n").asInt(), o.path("p50_ms").asDouble(),
          o.path("p99_ms").asDouble(), o.path("max_ms").asDouble(), p.path("pf4j_version").asText(), b.path("p50_ms").asDouble(),
          b.path("p99_ms").asDouble(), b.path("max_ms").asDouble(), m.path("pf4j_loaders_collected").asInt(), b.path("n").asInt(),
          r, m.path("ratio_p99_ours_vs_pf4j").asDouble(), verdict(r, "p50") + ", " + verdict(m.path("ratio_p99_ours_vs_pf4j").asDouble(), "p99")));
    }
  }

  private static String verdict(double ratio, String at) {
    return ratio <= 1.0 ? at + " met" : String.format("%s missed by %.2f×", at, ratio - 1.0);
  }

  /** Item 8: sidecar RSS idle with 20 plugins, per flag set. */
  private static void sidecarMemory(Path file, ObjectNode out, StringBuilder md) throws java.io.IOException {
    if (!Files.isRegularFile(file)) return;
    JsonNode m = JSON.readTree(file.toFile());
    out.set("sidecar_memory", m);
    int plugins = m.path("plugins").asInt();
    for (java.util.Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode s = e.getValue();
      if (!s.isObject()) continue;
      double mb = s.path("rss_mb").asDouble();
      md.append(String.format("| sidecar RSS idle, %d plugins active, flags '%s' %s %s | 1 | %.1f MB | | | idle CPU %.2f %% of one core over %.0f s; flip off+on after idle %.0f ms | – | ≤ 96 MB | %s |%n",
          plugins, e.getKey(), s.path("sidecar_jvm_flags").asText(), s.path("sidecar_env").toString(), mb,
          s.path("idle").path("cpu_percent_of_one_core").asDouble(), s.path("idle").path("idle_seconds").asDouble(),
          s.path("flip_off_and_on_after_idle_ms").asDouble(), mb <= 96 ? String.format("met (%.1f MB margin)", 96 - mb) : String.format("missed by %.1f MB", mb - 96)));
    }
  }

  /** Item 9: upgrade under open-loop load vs the same load without swaps. */
  private static void upgradeLoad(Path file, ObjectNode out, StringBuilder md) throws java.io.IOException {
    if (!Files.isRegularFile(file)) return;
    JsonNode u = JSON.readTree(file.toFile());
    out.set("upgrade_under_load", u);
    JsonNode q = u.path("without_swaps");
    JsonNode s = u.path("during_swaps");
    JsonNode ql = q.path("latency_from_due_time");
    JsonNode sl = s.path("latency_from_due_time");
    long failed = s.path("failed").asLong();
    md.append(String.format("| upgrade 1.0.0↔2.0.0 under %d req/s open loop: failed requests during %d swaps | %d | %d failed, %d without header | | | without swaps: %d failed of %d | – | 0 failed | %s |%n",
        u.path("rate_per_second").asInt(), s.path("swaps").asInt(), s.path("requests").asLong(), failed,
        s.path("without_plugin_header").asLong(), q.path("failed").asLong(), q.path("requests").asLong(), failed == 0 ? "met" : "missed"));
    md.append(String.format("| same: request latency during swaps (from due time) | %d | %.2f ms | %.2f ms | %.2f ms | without swaps p50 %.2f / p99 %.2f / max %.2f ms | p99 %.2f× | – | – |%n",
        sl.path("n").asInt(), sl.path("p50_ms").asDouble(), sl.path("p99_ms").asDouble(), sl.path("max_ms").asDouble(),
        ql.path("p50_ms").asDouble(), ql.path("p99_ms").asDouble(), ql.path("max_ms").asDouble(), u.path("ratio_p99_swaps_vs_quiet").asDouble()));
  }

  private static void dispatch(JsonNode jmh, ObjectNode out, StringBuilder md) {
    Map<String, double[]> score = new LinkedHashMap<>();
    ArrayNode rows = out.putArray("results");
    for (JsonNode b : jmh) {
      String name = b.path("benchmark").asText().replaceAll(".*\\.", "");
      String n = b.path("params").path("extensions").asText();
      double s = b.path("primaryMetric").path("score").asDouble();
      double err = b.path("primaryMetric").path("scoreError").asDouble();
      score.put(name + "/" + n, new double[] {s, err});
      ObjectNode row = rows.addObject();
      row.put("benchmark", name);
      row.put("extensions", Integer.parseInt(n));
      row.put("ns_per_op", Stats.round(s));
      row.put("error_99_9_ns", Stats.round(err));
    }
    for (String n : new String[] {"0", "1", "5"}) {
      double[] direct = score.get("direct/" + n);
      if (direct == null) continue;
      for (String k : new String[] {"directWithInFlightCounting", "extensionPoint", "extensionPointDuringSwaps"}) {
        double[] v = score.get(k + "/" + n);
        if (v == null) continue;
        double overhead = v[0] - direct[0];
        out.put("overhead_ns_" + k + "_" + n, Stats.round(overhead));
        boolean goal = n.equals("1") && k.startsWith("extensionPoint");
        md.append(String.format("| dispatch %s, %s extension(s) (JMH avgt) | 5 iter | %.2f ± %.2f ns/op | | | direct %.2f ± %.2f ns/op | %+.2f ns overhead | %s | %s |%n",
            k, n, v[0], v[1], direct[0], direct[1], overhead, goal ? "≤ 5 ns overhead" : "–",
            goal ? (overhead <= 5 ? "met" : String.format("missed by %.1f ns", overhead - 5)) : "–"));
      }
    }
  }
}
