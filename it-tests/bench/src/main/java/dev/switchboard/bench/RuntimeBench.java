package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeClient;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.control.UnloadOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BENCHMARKS.md items 6 and 7: attach + runtime ready (first time, fresh host JVM) and re-adopt (a new
 * client finds the running runtime), then activate/deactivate cycles of the same plugin in one host
 * with metaspace, heap and loaded classes before/after and the unload outcome of every cycle.
 * Usage: {@code RuntimeBench [attachSamples] [cycles] [out.json]}.
 */
public final class RuntimeBench {
  private RuntimeBench() {}

  public static void main(String[] args) throws Exception {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    Path out = Path.of(args.length > 2 ? args[2] : "target/results/runtime.json");
    if (samples < 1) throw new IllegalArgumentException("attachSamples < 1: " + samples);
    if (cycles < 1) throw new IllegalArgumentException("cycles < 1: " + cycles);
    Path logs = out.toAbsolutePath().getParent().resolve("logs");
    Map<String, Object> result = new LinkedHashMap<>();
    List<Long> first = new ArrayList<>();
    List<Long> adopt = new ArrayList<>();
    // as the sidecar does when it starts: load the attach client ahead of the first connect (reported, not hidden)
    Duration prepared = client(Files.createTempDirectory("switchboard-bench-ctl-")).prepare().get(60, TimeUnit.SECONDS);
    System.out.printf("attach client prepared (once, cold JVM, like the sidecar at start) in %.1f ms%n", prepared.toNanos() / 1e6);
    result.put("client_prepare_ms", Stats.round(prepared.toNanos() / 1e6));
    for (int i = 0; i < samples; i++) {
      Path ctl = Files.createTempDirectory("switchboard-bench-ctl-");
      try (Proc host = Proc.start("rt-host-" + i, logs, Proc.java("-jar", BenchDist.host().toString(), "--port", "0"))) {
        host.await("^LISTENING (\\d+)", Duration.ofSeconds(60));
        long t0 = System.nanoTime();
        try (RuntimeConnection c = client(ctl).connect(host.pid())) {
          c.status().get(30, TimeUnit.SECONDS);
          first.add(System.nanoTime() - t0);
          if (c.injectedIn().isEmpty()) throw new IllegalStateException("first connect did not inject the runtime");
        }
        long t1 = System.nanoTime();
        try (RuntimeConnection c = client(ctl).connect(host.pid())) {
          c.status().get(30, TimeUnit.SECONDS);
          adopt.add(System.nanoTime() - t1);
          if (c.injectedIn().isPresent()) throw new IllegalStateException("second connect injected again instead of re-adopting");
        }
        if (i == samples - 1) result.put("cycles", cycles(host, ctl, cycles));
      }
    }
    Stats f = Stats.ofNanos(first);
    Stats a = Stats.ofNanos(adopt);
    System.out.printf("attach + runtime ready (fresh host): %s%nre-adopt + ready: %s%n", f, a);
    result.put("attach_first_time", f.json());
    result.put("attach_first_time_samples_ms", first.stream().map(v -> Stats.round(v / 1e6)).toList());
    result.put("re_adopt", a.json());
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
    System.out.println("written " + out.toAbsolutePath());
  }

  static RuntimeClient client(Path ctl) {
    return RuntimeClient.builder().controlDir(ctl).runtimeJar(BenchDist.runtime())
        .exports(List.of("dev.switchboard.sample.spi")).timeout(Duration.ofSeconds(60)).build();
  }

  static Map<String, Object> cycles(Proc host, Path ctl, int cycles) throws Exception {
    Path jar = BenchDist.plugin("response-header", "1.0.0");
    ActivateRequest req = new ActivateRequest("response-header", jar.toString(), BenchDist.sha256(jar), "{}");
    Map<String, Object> r = new LinkedHashMap<>();
    try (RuntimeConnection c = client(ctl).connect(host.pid())) {
      List<UnloadOutcome> outcomes = new CopyOnWriteArrayList<>();
      c.onEvent(s -> {
        if (s.state() == PluginState.INACTIVE && s.unload() != null && s.unload() != UnloadOutcome.PENDING) outcomes.add(s.unload());
      });
      for (int i = 0; i < 5; i++) cycle(c, req); // warm-up (loads the runtime's own classes); stated in the results
      outcomes.clear();
      long heapBefore = heapUsedAfterFullGc(host.pid());
      Map<String, Object> before = c.stats().get(30, TimeUnit.SECONDS);
      List<Long> times = new ArrayList<>();
      JstatGc gcBefore = JstatGc.of(host.pid());
      long tCycles = System.nanoTime();
      for (int i = 0; i < cycles; i++) {
        long t0 = System.nanoTime();
        cycle(c, req);
        times.add(System.nanoTime() - t0);
      }
      Map<String, Object> hostGc = JstatGc.of(host.pid()).since(gcBefore);
      hostGc.put("cycles_wall_ms", Stats.round((System.nanoTime() - tCycles) / 1e6));
      Map<String, Object> during = c.stats().get(30, TimeUnit.SECONDS);
      Object check = during.get("unloadCheck"); // absent in runtimes before the passive unload check
      hostGc.put("explicit_gcs_by_unload_check", check == null ? "not reported" : ((Map<?, ?>) check).get("explicitGcs"));
      System.out.printf("host collections during %d cycles: %s; outcomes so far %d%n", cycles, hostGc, outcomes.size());
      r.put("host_gc_during_cycles", hostGc);
      r.put("unload_outcomes_before_check", outcomes.size());
      // the runtime forces no GC on the deactivate path: one on-demand check settles the rest
      // (only when the runtime reports it has that check: an older one would close the connection)
      boolean passive = check != null;
      if (passive) {
        long tCheck = System.nanoTime();
        c.checkUnload().get(60, TimeUnit.SECONDS);
        r.put("unload_check_ms", Stats.round((System.nanoTime() - tCheck) / 1e6));
      } else {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (outcomes.size() < cycles && System.nanoTime() < deadline) TimeUnit.MILLISECONDS.sleep(100);
      }
      long heapAfter = heapUsedAfterFullGc(host.pid());
      Map<String, Object> after = c.stats().get(30, TimeUnit.SECONDS);
      // the passive check reports an outcome event only for a plugin's latest unload: count from the runtime's stats
      long collected = passive ? unloads(after, "collected") - unloads(before, "collected")
          : outcomes.stream().filter(UnloadOutcome.COLLECTED::equals).count();
      long mb = ((Number) before.get("metaspaceUsedBytes")).longValue();
      long ma = ((Number) after.get("metaspaceUsedBytes")).longValue();
      r.put("cycles", cycles);
      r.put("warmup_cycles_excluded", 5);
      r.put("cycle_time", Stats.ofNanos(times).json());
      r.put("metaspace_used_before_bytes", mb);
      r.put("metaspace_used_after_bytes", ma);
      r.put("metaspace_growth_bytes", ma - mb);
      r.put("heap_used_after_full_gc_before_bytes", heapBefore);
      r.put("heap_used_after_full_gc_after_bytes", heapAfter);
      r.put("loaded_classes_before", before.get("loadedClasses"));
      r.put("loaded_classes_after", after.get("loadedClasses"));
      r.put("unload_outcomes_received", outcomes.size());
      r.put("unloads_collected", collected);
      r.put("unloads_stats_after", after.get("unloads"));
      r.put("unload_check_stats_after", after.get("unloadCheck"));
      System.out.printf("%d cycles: %s per cycle; metaspace %d -> %d (%+d bytes); heap after full GC %d -> %d; classes %s -> %s; collected %d of %d outcomes%n",
          cycles, Stats.ofNanos(times), mb, ma, ma - mb, heapBefore, heapAfter, before.get("loadedClasses"), after.get("loadedClasses"),
          collected, outcomes.size());
    }
    return r;
  }

  private static long unloads(Map<String, Object> stats, String outcome) {
    Object n = ((Map<?, ?>) stats.get("unloads")).get(outcome);
    return n == null ? 0 : ((Number) n).longValue();
  }

  private static void cycle(RuntimeConnection c, ActivateRequest req) throws Exception {
    PluginStatus a = c.activate(req).get(60, TimeUnit.SECONDS);
    if (a.state() != PluginState.ACTIVE) throw new IllegalStateException("activate: " + a);
    PluginStatus d = c.deactivate(req.pluginId()).get(60, TimeUnit.SECONDS);
    if (d.state() != PluginState.INACTIVE) throw new IllegalStateException("deactivate: " + d);
  }

  private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");

  /** {@code jcmd GC.run} then the sum of the generations' used KB from {@code GC.heap_info} (bytes). */
  static long heapUsedAfterFullGc(long pid) throws Exception {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    long kb = 0;
    for (String line : info.lines().toList()) {
      if (line.contains("Metaspace") || line.contains("class space")) continue;
      Matcher m = USED.matcher(line);
      if (m.find()) kb += Long.parseLong(m.group(1));
    }
    if (kb == 0) throw new IllegalStateException("no heap figure in jcmd GC.heap_info: " + info);
    return kb * 1024;
  }

  private static String jcmd(long pid, String command) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("jcmd " + command + " failed: " + out);
    return out;
  }
}
