package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.Extensions;
import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.runtime.plugin.PluginManager;
import dev.switchboard.runtime.plugin.PluginManagerConfig;
import dev.switchboard.sample.spi.RequestFilter;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.pf4j.JarPluginManager;

/**
 * BENCHMARKS.md item 5: load + start + one extension call + stop + unload of the same small plugin, ours
 * ({@code PluginManager} of the runtime, the sample {@code response-header} jar) vs PF4J
 * ({@code JarPluginManager}, the same plugin written for PF4J), in this one JVM, alternating blocks.
 * Two definitions, both measured: "unload returned" (ours: {@code deactivate} completed, with
 * {@code collectWait=0}; PF4J: {@code stopPlugin} + {@code unloadPlugin}, which closes the loader)
 * and "loader collected" (plus: the plugin's class loader proven collected, checked by this class
 * the same way for both: {@code System.gc()} + reference queue). Every cycle calls the extension
 * once and checks the header it sets; after each variant every loader of both is checked collected.
 * Usage: {@code Pf4jBench [cyclesPerSystem] [out.json]}.
 */
public final class Pf4jBench {
  static final int WARMUP = 20;
  static final int BLOCK = 25;
  static final ExtensionPoint<RequestFilter> FILTERS = Extensions.point(RequestFilter.class);

  private Pf4jBench() {}

  public static void main(String[] args) throws Exception {
    int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    if (cycles < BLOCK || cycles % BLOCK != 0) throw new IllegalArgumentException("cyclesPerSystem not a positive multiple of " + BLOCK + ": " + cycles);
    Path out = Path.of(args.length > 1 ? args[1] : "target/results/pf4j.json");
    // plugin logging silenced equally for both (INFO lines to the console would dominate both)
    Logger.getLogger("").setLevel(Level.WARNING);
    Path work = Files.createTempDirectory("switchboard-bench-pf4j-");
    Path ourJar = Files.copy(BenchDist.plugin("response-header", "1.0.0"), work.resolve("response-header-1.0.0.jar"));
    Path pf4jJar = Pf4jPluginJar.build(work.resolve("pf4j-build"));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("cycles_per_system_per_variant", cycles);
    result.put("warmup_cycles_excluded", WARMUP);
    result.put("our_jar_bytes", Files.size(ourJar));
    result.put("pf4j_jar_bytes", Files.size(pf4jJar));
    result.put("pf4j_version", org.pf4j.PluginManager.class.getPackage().getImplementationVersion());
    result.put("jvm", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
    ActivateRequest req = new ActivateRequest("response-header", ourJar.toString(), BenchDist.sha256(ourJar), "{}");
    for (boolean collected : new boolean[] {false, true}) {
      String variant = collected ? "until_loader_collected" : "until_unload_returned";
      // collectWait 0: deactivate never waits for the collector; collection is checked here, the same way for both
      PluginManagerConfig cfg = PluginManagerConfig.builder().hostExports(List.of("dev.switchboard.sample.spi"))
          .collectWait(Duration.ZERO).build();
      List<Long> ours = new ArrayList<>();
      List<Long> pf4j = new ArrayList<>();
      List<WeakReference<ClassLoader>> ourLoaders = new ArrayList<>();
      List<WeakReference<ClassLoader>> pf4jLoaders = new ArrayList<>();
      try (PluginManager mine = PluginManager.builder().config(cfg).build()) {
        JarPluginManager theirs = new JarPluginManager(work);
        for (int i = 0; i < WARMUP; i++) {
          ours(mine, req, collected, new ArrayList<>());
          pf4j(theirs, pf4jJar, collected, new ArrayList<>());
        }
        for (int done = 0; done < cycles; done += BLOCK) {
          for (int i = 0; i < BLOCK; i++) ours.add(ours(mine, req, collected, ourLoaders));
          for (int i = 0; i < BLOCK; i++) pf4j.add(pf4j(theirs, pf4jJar, collected, pf4jLoaders));
        }
        int oursGone = collectedCount(ourLoaders, Duration.ofSeconds(30));
        int pf4jGone = collectedCount(pf4jLoaders, Duration.ofSeconds(30));
        Stats o = Stats.ofNanos(ours);
        Stats p = Stats.ofNanos(pf4j);
        System.out.printf("[%s] ours: %s%n[%s] PF4J: %s%n[%s] ratio ours/PF4J p50 %.2f, p99 %.2f; loaders collected: ours %d of %d, PF4J %d of %d%n",
            variant, o, variant, p, variant, o.p50() / p.p50(), o.p99() / p.p99(), oursGone, ours.size(), pf4jGone, pf4j.size());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ours", o.json());
        m.put("pf4j", p.json());
        m.put("ratio_p50_ours_vs_pf4j", Stats.round(o.p50() / p.p50()));
        m.put("ratio_p99_ours_vs_pf4j", Stats.round(o.p99() / p.p99()));
        m.put("ours_loaders_collected", oursGone);
        m.put("pf4j_loaders_collected", pf4jGone);
        result.put(variant, m);
      }
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
    System.out.println("written " + out.toAbsolutePath());
  }

  /** One cycle of ours; with {@code collected}, until the plugin's loader is collected. */
  static long ours(PluginManager m, ActivateRequest req, boolean collected, List<WeakReference<ClassLoader>> loaders)
      throws Exception {
    long t0 = System.nanoTime();
    PluginStatus a = m.activate(req).get(60, TimeUnit.SECONDS);
    if (a.state() != PluginState.ACTIVE) throw new IllegalStateException("activate: " + a);
    List<RequestFilter> active = FILTERS.snapshot();
    callOnce(active, "response-header/1.0.0");
    ReferenceQueue<ClassLoader> q = new ReferenceQueue<>();
    WeakReference<ClassLoader> loader = new WeakReference<>(active.get(0).getClass().getClassLoader(), q);
    active = null; // the bench holds no strong reference into the plugin any more
    PluginStatus d = m.deactivate(req.pluginId()).get(60, TimeUnit.SECONDS);
    if (d.state() != PluginState.INACTIVE) throw new IllegalStateException("deactivate: " + d);
    if (collected) awaitCleared(loader, q);
    long t = System.nanoTime() - t0;
    loaders.add(loader);
    return t;
  }

  /** One cycle of PF4J; with {@code collected}, until the plugin's loader is collected. */
  static long pf4j(JarPluginManager m, Path jar, boolean collected, List<WeakReference<ClassLoader>> loaders) throws Exception {
    long t0 = System.nanoTime();
    String id = m.loadPlugin(jar);
    if (!Pf4jPluginJar.ID.equals(id)) throw new IllegalStateException("PF4J loaded " + id);
    org.pf4j.PluginState s = m.startPlugin(id);
    if (s != org.pf4j.PluginState.STARTED) throw new IllegalStateException("PF4J start: " + s);
    callOnce(m.getExtensions(RequestFilter.class, id), Pf4jPluginJar.HEADER_VALUE);
    ReferenceQueue<ClassLoader> q = new ReferenceQueue<>();
    WeakReference<ClassLoader> loader = new WeakReference<>(m.getPlugin(id).getPluginClassLoader(), q);
    m.stopPlugin(id);
    if (!m.unloadPlugin(id)) throw new IllegalStateException("PF4J unload returned false");
    if (collected) awaitCleared(loader, q);
    long t = System.nanoTime() - t0;
    loaders.add(loader);
    return t;
  }

  static void callOnce(List<RequestFilter> filters, String expected) {
    if (filters.size() != 1) throw new IllegalStateException("expected 1 extension, got " + filters);
    Map<String, String> headers = new LinkedHashMap<>();
    filters.get(0).filter(new BenchExchange(headers));
    if (!expected.equals(headers.get("X-Switchboard-Plugin"))) throw new IllegalStateException("header " + headers);
  }

  /** System.gc() then up to 20 ms on the queue, repeated (as the runtime's unload check did), at most 3 s. */
  static void awaitCleared(WeakReference<ClassLoader> loader, ReferenceQueue<ClassLoader> q) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!loader.refersTo(null) && System.nanoTime() < deadline) {
      System.gc();
      q.remove(20);
    }
  }

  /** After the measured cycles: how many of {@code loaders} are collected (full GCs, at most {@code max}). */
  static int collectedCount(List<WeakReference<ClassLoader>> loaders, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (loaders.stream().anyMatch(r -> !r.refersTo(null)) && System.nanoTime() < deadline) {
      System.gc();
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return (int) loaders.stream().filter(r -> r.refersTo(null)).count();
  }
}
