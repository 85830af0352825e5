package dev.switchboard.fleet;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A JVM holding a share of the fleet: {@code FleetWorker <etcd> <zookeeper> <root> <service> <first> <count>
 * <ackDelayMs>} starts agents {@code node-<first>} … and prints {@code READY <count>}; a line {@code stats} on
 * standard input answers {@code STATS agents=… heapUsedMb=… threads=…} (after a full collection); end of input
 * stops every agent and exits.
 */
public final class FleetWorker {
  private FleetWorker() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 7) throw new IllegalArgumentException("usage: FleetWorker <etcd> <zookeeper> <root> <service> <first> <count> <ackDelayMs>");
    int first = Integer.parseInt(args[4]);
    int count = Integer.parseInt(args[5]);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stand-in-hosts");
      t.setDaemon(true);
      return t;
    });
    List<FleetAgent> agents = start(args[0], args[1], args[2], args[3], first, count, Duration.ofMillis(Long.parseLong(args[6])), timer);
    System.out.println("READY " + agents.size());
    System.out.flush();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.strip().equals("stats")) {
          System.gc();
          var mem = ManagementFactory.getMemoryMXBean();
          System.out.println(String.format(Locale.ROOT, "STATS agents=%d heapUsedMb=%.1f nonHeapUsedMb=%.1f threads=%d",
              agents.size(), mem.getHeapMemoryUsage().getUsed() / 1048576.0, mem.getNonHeapMemoryUsage().getUsed() / 1048576.0,
              ManagementFactory.getThreadMXBean().getThreadCount()));
          System.out.flush();
        }
      }
    }
    agents.forEach(FleetAgent::close);
    timer.shutdownNow();
    System.exit(0);
  }

  /** Starts {@code count} agents named {@code node-<first>} … (zero-padded to four digits). */
  public static List<FleetAgent> start(String etcd, String zookeeper, String root, String service, int first, int count,
      Duration ackDelay, ScheduledExecutorService timer) {
    List<FleetAgent> agents = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      agents.add(new FleetAgent(root, service, nodeName(i), etcd, zookeeper, ackDelay, timer, 10_000 + i));
    }
    return agents;
  }

  public static String nodeName(int i) {
    return String.format(Locale.ROOT, "node-%04d", i);
  }
}
