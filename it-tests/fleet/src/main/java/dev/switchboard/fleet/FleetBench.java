package dev.switchboard.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The fleet step of {@code ./scripts/bench.sh}: {@code FleetBench <agents> <jvms> <ackDelayMs> <out.json>} starts one
 * etcd and one ZooKeeper (test kit), spreads the agents over worker JVMs ({@link FleetWorker}), runs
 * {@link FleetRun}'s scenarios and adds memory per agent and the stores' CPU and memory.
 */
public final class FleetBench {
  private FleetBench() {}

  private record Worker(Process process, BlockingQueue<String> lines, PrintWriter in) {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int jvms = Integer.parseInt(args[1]);
    long ack = Long.parseLong(args[2]);
    Path out = Path.of(args[3]);
    String root = "/switchboard";
    String service = "fleet";
    String plugin = "rh";
    FleetResult result = new FleetResult();
    EtcdCluster etcd = EtcdCluster.single();
    ZooKeeperEnsemble zk = ZooKeeperEnsemble.single();
    List<Worker> workers = new ArrayList<>();
    try {
      etcd.start();
      zk.start();
      Optional<Long> etcdPid = StoreProbe.descendant("etcd --name=");
      Optional<Long> zkPid = StoreProbe.descendant("QuorumPeerMain");
      var etcd0 = etcdPid.flatMap(StoreProbe::usage);
      var zk0 = zkPid.flatMap(StoreProbe::usage);
      try (KeySpace e = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).operationTimeout(Duration.ofSeconds(30)).build());
          KeySpace z = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).operationTimeout(Duration.ofSeconds(30)).build())) {
        FleetRun.seed(e, root, service, plugin);
        FleetRun.seed(z, root, service, plugin);
        Set<String> nodes = new TreeSet<>();
        for (int i = 0; i < n; i++) nodes.add(FleetWorker.nodeName(i));
        long t0 = System.nanoTime();
        int per = (n + jvms - 1) / jvms;
        for (int w = 0, first = 0; w < jvms && first < n; w++, first += per) {
          workers.add(worker(etcd.endpoints(), zk.connectString(), root, service, first, Math.min(per, n - first), ack,
              Path.of(out.toString().replaceAll("\\.json$", "") + "-worker-" + w + ".log")));
        }
        for (Worker w : workers) expect(w, "READY", Duration.ofMinutes(10));
        result.value("agents / worker JVMs / stand-in ack delay", n + " / " + workers.size() + " / " + ack + " ms");
        result.value("all agents constructed", String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - t0) / 1e9));
        FleetRun run = new FleetRun(root, service, plugin, nodes, e, z, etcd.endpointList().get(0), zk.connectString(),
            Duration.ofMinutes(5), result);
        try {
          run.awaitStarted();
          memory(workers, n, result);
          run.flips();
          run.rollout();
          run.restart("etcd", etcd.member(0));
          run.restart("zookeeper", zk.server(0));
        } finally {
          run.close();
        }
      }
      report("etcd", etcd0, StoreProbe.descendant("etcd --name=").flatMap(StoreProbe::usage), result);
      report("ZooKeeper", zk0, StoreProbe.descendant("QuorumPeerMain").flatMap(StoreProbe::usage), result);
    } finally {
      for (Worker w : workers) w.in().close();
      for (Worker w : workers) {
        if (!w.process().waitFor(30, TimeUnit.SECONDS)) w.process().destroyForcibly();
      }
      zk.close();
      etcd.close();
    }
    System.out.println(result.table());
    ObjectNode doc = new ObjectMapper().createObjectNode().put("agents", n).put("jvms", jvms).put("ackDelayMs", ack);
    doc.set("rows", result.json());
    Files.writeString(out, doc.toPrettyString());
    Files.writeString(Path.of(out.toString().replaceAll("\\.json$", "") + ".md"), result.table());
    System.exit(0);
  }

  /** A worker JVM holding agents {@code first … first+count-1}; its agents' log (INFO and up) goes to {@code log}. */
  private static Worker worker(String etcd, String zk, String root, String service, int first, int count, long ack, Path log)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xss256k", "-XX:+UseSerialGC", "-Xmx" + Math.max(256, count * 3) + "m",
        "-Dio.netty.allocator.type=unpooled", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
        "-cp", System.getProperty("java.class.path"), FleetWorker.class.getName(),
        etcd, zk, root, service, String.valueOf(first), String.valueOf(count), String.valueOf(ack));
    pb.redirectError(ProcessBuilder.Redirect.to(log.toFile()));
    Process p = pb.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) lines.add(line);
      } catch (java.io.IOException ex) {
        lines.add("EOF " + ex);
      }
    }, "fleet-worker-" + first);
    reader.setDaemon(true);
    reader.start();
    return new Worker(p, lines, new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8));
  }

  private static String expect(Worker w, String prefix, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = w.lines().poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) throw new IllegalStateException("worker pid " + w.process().pid() + ": no " + prefix + " within " + timeout);
      if (line.startsWith(prefix)) return line;
    }
  }

  private static void memory(List<Worker> workers, int n, FleetResult result) throws Exception {
    long rss = 0;
    double heap = 0;
    int threads = 0;
    for (Worker w : workers) {
      w.in().println("stats");
      String s = expect(w, "STATS", Duration.ofMinutes(2));
      heap += Double.parseDouble(s.replaceAll(".*heapUsedMb=([0-9.]+).*", "$1"));
      threads += Integer.parseInt(s.replaceAll(".*threads=([0-9]+).*", "$1"));
      rss += StoreProbe.usage(w.process().pid()).map(StoreProbe.ProcUsage::rssBytes).orElse(0L);
    }
    result.value("worker JVMs: RSS total · per agent", String.format(Locale.ROOT, "%.0f MB · %.2f MB", rss / 1048576.0, rss / 1048576.0 / n));
    result.value("worker JVMs: heap used after GC per agent", String.format(Locale.ROOT, "%.2f MB", heap / n));
    result.value("worker JVMs: threads per agent", String.format(Locale.ROOT, "%.1f", (double) threads / n));
  }

  private static void report(String name, Optional<StoreProbe.ProcUsage> before, Optional<StoreProbe.ProcUsage> after, FleetResult result) {
    if (before.isEmpty() || after.isEmpty()) {
      result.value(name + " CPU / RSS", "not measured (server not a local process: SWITCHBOARD_TESTKIT=local)");
      return;
    }
    // a restart makes a new process: CPU of the last process only
    double cpu = after.get().cpuSeconds() - (after.get().cpuSeconds() >= before.get().cpuSeconds() ? before.get().cpuSeconds() : 0);
    result.value(name + " CPU during the run · RSS at the end", String.format(Locale.ROOT, "%.1f s · %.0f MB", cpu, after.get().rssBytes() / 1048576.0));
  }
}
