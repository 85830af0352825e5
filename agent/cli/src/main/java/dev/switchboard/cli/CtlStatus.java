package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.cli.fleet.FleetFilter;
import dev.switchboard.cli.fleet.FleetStatus;
import dev.switchboard.cli.fleet.FleetSummary;
import dev.switchboard.cli.fleet.FleetWatch;
import dev.switchboard.store.Entry;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code switchboard ctl status [<service>] [--service S] [--plugin P] [--state S[,S]] [--node PATTERN] [--summary]
 * [--output table|json] [--watch]}: the fleet from the status keys, one row per node and plugin or (with
 * {@code --summary}) one line per plugin.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Fleet activation state from the status keys.")
final class CtlStatus implements Callable<Integer> {
  /** Cursor home and clear screen: {@code --watch} redraws the table in place. */
  static final String REDRAW = "\033[H\033[2J";

  enum Output { table, json }

  @Mixin CtlStore store;

  @Parameters(index = "0", arity = "0..1", paramLabel = "<service>", description = "only this service (as --service)") String service;

  @Option(names = "--service", paramLabel = "S", description = "only this service") String serviceFlag;

  @Option(names = "--plugin", paramLabel = "P", description = "only this plugin") String plugin;

  @Option(names = "--state", paramLabel = "STATE[,STATE]", split = ",",
      description = "only plugins in these states (INACTIVE, FETCHING, LOADING, STARTING, ACTIVE, STOPPING, FAILED)")
  List<String> states;

  @Option(names = "--node", paramLabel = "PATTERN", description = "only nodes matching this pattern (* any characters, ? one)")
  String node;

  @Option(names = "--summary", description = "one line per plugin: nodes per state and version, rollout progress, failing nodes")
  boolean summary;

  @Option(names = "--output", paramLabel = "table|json", description = "table (default) or json")
  Output output;

  @Option(names = "--json", description = "same as --output json") boolean json;

  @Option(names = "--max-failing", paramLabel = "N", defaultValue = "10",
      description = "failing nodes listed per plugin in the summary table (default 10; JSON lists all)")
  int maxFailing;

  @Option(names = "--watch", description = "redraw on every change until interrupted (JSON: one document per line)")
  boolean watch;

  @Override
  public Integer call() {
    String root = store.root();
    if (service != null && serviceFlag != null && !service.equals(serviceFlag)) {
      throw store.usage("service given twice: '" + service + "' and --service '" + serviceFlag + "'");
    }
    if (json && output == Output.table) throw store.usage("--json contradicts --output table");
    if (maxFailing < 0) throw store.usage("--max-failing must be >= 0: " + maxFailing);
    String svc = serviceFlag != null ? serviceFlag : service;
    if (svc != null) store.name("service", svc);
    if (plugin != null) store.name("plugin", plugin);
    FleetFilter filter;
    try {
      filter = FleetFilter.of(svc, plugin, states, node);
    } catch (IllegalArgumentException e) {
      throw store.usage(e.getMessage());
    }
    boolean asJson = json || output == Output.json;
    String prefix = root + "/status" + (svc == null ? "" : "/" + svc);
    return store.run(ks -> {
      if (!watch) {
        Map<String, byte[]> keys = new TreeMap<>();
        for (Entry e : CtlStore.await(ks.list(prefix), "listing " + prefix)) keys.put(e.key(), e.value());
        System.out.print(render(root, keys, filter, asJson, true));
        System.out.flush();
        return Main.EXIT_OK;
      }
      try (FleetWatch view = new FleetWatch(ks, prefix)) {
        watchLoop(System.out, view, root, filter, asJson);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Main.EXIT_OK;
    });
  }

  /** Redraws whenever the view changed (at most every 100 ms), until interrupted (Ctrl-C ends the JVM). */
  private void watchLoop(PrintStream out, FleetWatch view, String root, FleetFilter filter, boolean asJson)
      throws InterruptedException {
    long seen = -1;
    String last = null;
    while (!Thread.currentThread().isInterrupted()) {
      FleetWatch.Snapshot s = view.snapshot();
      if (s.synced() && s.version() != seen) {
        seen = s.version();
        String frame = render(root, s.keys(), filter, asJson, false);
        if (!frame.equals(last)) {
          last = frame;
          if (asJson) {
            out.println(frame);
          } else {
            out.print(REDRAW);
            out.print("switchboard ctl status --watch · " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + " · " + s.state().name().toLowerCase(java.util.Locale.ROOT) + "\n\n" + frame);
          }
          out.flush();
        }
        Thread.sleep(100); // coalesce bursts of changes into one redraw
      }
      view.awaitChange(seen, 1, TimeUnit.SECONDS);
    }
  }

  private String render(String root, Map<String, byte[]> keys, FleetFilter filter, boolean asJson, boolean pretty) {
    ArrayNode nodes = FleetStatus.nodes(root, keys, filter);
    if (summary) {
      ArrayNode s = FleetSummary.of(nodes);
      if (asJson) return pretty ? s.toPrettyString() + "\n" : s.toString();
      return FleetSummary.table(s, maxFailing);
    }
    if (asJson) return pretty ? nodes.toPrettyString() + "\n" : nodes.toString();
    return table(root, nodes);
  }

  private static String table(String root, ArrayNode nodes) {
    StringBuilder b = new StringBuilder();
    String fmt = "%-16s %-16s %-20s %-9s %-8s %-10s %-8s %s%n";
    b.append(String.format(fmt, "SERVICE", "NODE", "PLUGIN", "STATE", "DESIRED", "VERSION", "ATTACHED", "ERROR"));
    for (JsonNode n : nodes) {
      String attached = n.path("agent").path("attached").asText("?");
      if (n.path("plugins").isEmpty()) {
        b.append(String.format(fmt, n.get("service").asText(), n.get("node").asText(), "-", "-", "-", "-", attached, ""));
      }
      for (JsonNode p : n.path("plugins")) {
        b.append(String.format(fmt, n.get("service").asText(), n.get("node").asText(), p.path("plugin").asText(),
            p.path("state").asText(), p.path("desired").asText(), p.path("version").asText("-"), attached,
            p.path("error").isNull() ? "" : p.path("error").asText()));
      }
    }
    if (nodes.isEmpty()) b.append("(no agent status matches under ").append(root).append("/status)\n");
    return b.toString();
  }

  /** [{service, node, agent, plugins: [{plugin, ...}]}] from {@code <root>/status/<service>/<node>/...}. */
  static ArrayNode model(String root, Map<String, byte[]> keys) {
    return FleetStatus.nodes(root, keys);
  }
}
