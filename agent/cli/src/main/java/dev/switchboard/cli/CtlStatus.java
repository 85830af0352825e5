package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.store.Change;
import dev.switchboard.store.Entry;
import dev.switchboard.store.WatchListener;
import dev.switchboard.store.WatchOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard ctl status [<service>] [--json] [--watch]}: the fleet from the status keys. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Fleet activation state from the status keys.")
final class CtlStatus implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin CtlStore store;

  @Parameters(index = "0", arity = "0..1", paramLabel = "<service>") String service;

  @Option(names = "--json", description = "JSON: [{service, node, agent, plugins: [...]}]") boolean json;

  @Option(names = "--watch", description = "print again on every change until interrupted") boolean watch;

  @Override
  public Integer call() {
    String root = store.root();
    String prefix = root + "/status" + (service == null ? "" : "/" + store.name("service", service));
    return store.run(ks -> {
      Map<String, byte[]> keys = new TreeMap<>();
      for (Entry e : CtlStore.await(ks.list(prefix), "listing " + prefix)) keys.put(e.key(), e.value());
      print(System.out, root, keys);
      if (!watch) return Main.EXIT_OK;
      CountDownLatch never = new CountDownLatch(1);
      var w = ks.watch(prefix, WatchOptions.withEphemeral(), new WatchListener() {
        @Override
        public void onChanges(List<Change> changes) {
          synchronized (keys) {
            for (Change c : changes) {
              if (c.deleted()) keys.remove(c.key());
              else keys.put(c.key(), c.value());
            }
          }
        }

        @Override
        public void onSynced() {
          synchronized (keys) {
            String now = render(root, keys);
            if (!now.equals(last)) {
              System.out.println("---- " + java.time.Instant.now());
              System.out.print(now);
              last = now;
            }
          }
        }
      });
      Runtime.getRuntime().addShutdownHook(new Thread(never::countDown));
      try {
        // redraw on changes (checked every second)
        while (!never.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
          synchronized (keys) {
            String now = render(root, keys);
            if (!now.equals(last)) {
              System.out.println("---- " + java.time.Instant.now());
              System.out.print(now);
              last = now;
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        w.close();
      }
      return Main.EXIT_OK;
    });
  }

  private String last = "";

  private void print(PrintStream out, String root, Map<String, byte[]> keys) {
    last = render(root, keys);
    out.print(last);
    out.flush();
  }

  private String render(String root, Map<String, byte[]> keys) {
    ArrayNode nodes = model(root, keys);
    if (json) return nodes.toPrettyString() + "\n";
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
    if (nodes.isEmpty()) b.append("(no agent reports status under ").append(root).append("/status)\n");
    return b.toString();
  }

  /** [{service, node, agent, plugins: [{plugin, ...}]}] from {@code <root>/status/<service>/<node>/...}. */
  static ArrayNode model(String root, Map<String, byte[]> keys) {
    Map<String, ObjectNode> byNode = new TreeMap<>();
    String base = root + "/status/";
    for (Map.Entry<String, byte[]> e : keys.entrySet()) {
      if (!e.getKey().startsWith(base)) continue;
      String[] parts = e.getKey().substring(base.length()).split("/");
      if (parts.length < 3) continue;
      ObjectNode n = byNode.computeIfAbsent(parts[0] + "/" + parts[1], k -> {
        ObjectNode o = JSON.createObjectNode();
        o.put("service", parts[0]);
        o.put("node", parts[1]);
        o.putObject("agent");
        o.putArray("plugins");
        return o;
      });
      JsonNode value;
      try {
        value = JSON.readTree(e.getValue());
      } catch (IOException ex) {
        value = JSON.createObjectNode().put("error", "unreadable status value: " + ex.getMessage());
      }
      if (parts.length == 3 && parts[2].equals("agent")) n.set("agent", value);
      else if (parts.length == 4 && parts[2].equals("plugins") && value.isObject()) {
        ObjectNode p = JSON.createObjectNode();
        p.put("plugin", parts[3]);
        p.setAll((ObjectNode) value);
        ((ArrayNode) n.get("plugins")).add(p);
      }
    }
    ArrayNode out = JSON.createArrayNode();
    byNode.values().forEach(out::add);
    return out;
  }

}
