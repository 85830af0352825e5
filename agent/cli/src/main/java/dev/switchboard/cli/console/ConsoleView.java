package dev.switchboard.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.cli.fleet.FleetStatus;
import dev.switchboard.cli.fleet.FleetSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The document the console pushes to the browser, built from the status keys and the desired-state keys (pure):
 *
 * <pre>
 * {at, root, store, endpoints, connection, synced, windowSeconds,
 *  services: [{service, plugins: [name...], nodes: [{node, agent: {...}, plugins: [{plugin, state, desired, version,
 *             error, since, generation}]}]}],
 *  rollouts: [{service, plugin, nodes, desired, live, progress, states, versions, failing, flag: {enabled, rollout,
 *             artifact, canary, overrides}}],
 *  flips:    [{at, kind, service, node, plugin, what, from, to}]}
 * </pre>
 *
 * The node rows and the rollout lines are {@link FleetStatus} and {@link FleetSummary}, as {@code ctl status} and
 * {@code ctl status --summary} print them; {@code flag} adds what operators wrote for the plugin.
 */
final class ConsoleView {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConsoleView() {}

  /** Where the data came from and in what state the store session is. */
  record Source(String root, String store, String endpoints, String connection, boolean synced) {}

  static ObjectNode build(Source src, Instant now, Map<String, byte[]> statusKeys, Map<String, byte[]> desiredKeys,
      List<FlipLog.Flip> flips, long windowSeconds) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("at", now.toString());
    doc.put("root", src.root());
    doc.put("store", src.store());
    doc.put("endpoints", src.endpoints());
    doc.put("connection", src.connection());
    doc.put("synced", src.synced());
    doc.put("windowSeconds", windowSeconds);
    ArrayNode nodes = FleetStatus.nodes(src.root(), statusKeys);
    doc.set("services", services(nodes));
    doc.set("rollouts", rollouts(FleetSummary.of(nodes), flags(src.root(), desiredKeys)));
    ArrayNode f = doc.putArray("flips");
    for (FlipLog.Flip flip : flips) {
      ObjectNode o = f.addObject();
      o.put("at", flip.at().toString());
      o.put("kind", flip.kind());
      o.put("service", flip.service());
      o.put("node", flip.node());
      o.put("plugin", flip.plugin());
      o.put("what", flip.what());
      o.put("from", flip.from());
      o.put("to", flip.to());
    }
    return doc;
  }

  private static ArrayNode services(ArrayNode nodes) {
    Map<String, ObjectNode> byService = new TreeMap<>();
    Map<String, TreeSet<String>> plugins = new TreeMap<>();
    for (JsonNode n : nodes) {
      String service = n.path("service").asText();
      ObjectNode s = byService.computeIfAbsent(service, k -> {
        ObjectNode o = JSON.createObjectNode();
        o.put("service", k);
        o.putArray("plugins");
        o.putArray("nodes");
        return o;
      });
      ObjectNode row = ((ArrayNode) s.get("nodes")).addObject();
      row.put("node", n.path("node").asText());
      row.set("agent", n.path("agent"));
      row.set("plugins", n.path("plugins"));
      for (JsonNode p : n.path("plugins")) plugins.computeIfAbsent(service, k -> new TreeSet<>()).add(p.path("plugin").asText());
    }
    ArrayNode out = JSON.createArrayNode();
    byService.forEach((name, s) -> {
      plugins.getOrDefault(name, new TreeSet<>()).forEach(((ArrayNode) s.get("plugins"))::add);
      out.add(s);
    });
    return out;
  }

  /** One line per plugin that has status or desired state; sorted by service and plugin. */
  private static ArrayNode rollouts(ArrayNode summary, Map<String, ObjectNode> flags) {
    Map<String, ObjectNode> lines = new TreeMap<>();
    for (JsonNode s : summary) {
      lines.put(s.path("service").asText() + "/" + s.path("plugin").asText(), (ObjectNode) s);
    }
    flags.forEach((id, flag) -> lines.computeIfAbsent(id, k -> {
      ObjectNode o = JSON.createObjectNode();
      o.put("service", flag.path("service").asText());
      o.put("plugin", flag.path("plugin").asText());
      o.put("nodes", 0);
      o.put("desired", 0);
      o.put("live", 0);
      o.put("progress", 100);
      o.putObject("states");
      o.putObject("versions");
      o.putArray("failing");
      return o;
    }));
    ArrayNode out = JSON.createArrayNode();
    lines.forEach((id, line) -> {
      ObjectNode flag = flags.get(id);
      if (flag != null) {
        flag = flag.deepCopy();
        flag.remove("service");
        flag.remove("plugin");
      }
      line.set("flag", flag == null ? JSON.nullNode() : flag);
      out.add(line);
    });
    return out;
  }

  /**
   * Desired state per {@code service/plugin} in the operator's words: {@code enabled} (the key's text),
   * {@code rollout} ({@code "50%"}, {@code "2 nodes"}, absent = every node), {@code artifact} (its version),
   * {@code canary} ({@code "2.0.0 @ 10%"}) and how many per-node overrides exist. A value that is not valid JSON
   * is shown as {@code invalid: <text>} — the agents refuse it and say why in their status.
   */
  static Map<String, ObjectNode> flags(String root, Map<String, byte[]> desiredKeys) {
    Map<String, ObjectNode> out = new LinkedHashMap<>();
    String base = root + "/services/";
    for (Map.Entry<String, byte[]> e : new TreeMap<>(desiredKeys).entrySet()) {
      if (!e.getKey().startsWith(base)) continue;
      String[] p = e.getKey().substring(base.length()).split("/");
      String text = new String(e.getValue(), StandardCharsets.UTF_8).strip();
      if (p.length == 4 && p[1].equals("plugins")) {
        ObjectNode f = flag(out, p[0], p[2]);
        switch (p[3]) {
          case "enabled" -> f.put("enabled", text);
          case "rollout" -> f.put("rollout", selection(text, ""));
          case "artifact" -> f.put("artifact", version(text, "artifact"));
          case "canary" -> f.put("canary", canary(text));
          default -> { } // config and anything else: not shown
        }
      } else if (p.length == 6 && p[1].equals("nodes") && p[3].equals("plugins") && p[5].equals("enabled")) {
        ObjectNode f = flag(out, p[0], p[4]);
        f.put("overrides", f.path("overrides").asInt(0) + 1);
      }
    }
    return out;
  }

  /**
   * The flag keys as the flip log compares them, by key relative to {@code <root>/services/}, in the words of
   * {@link #flags}: {@code enabled} as written, {@code artifact} its version, {@code rollout} {@code "50%"},
   * {@code canary} {@code "2.0.0 @ 10%"}. Configs are left out (a config change is not a flip).
   */
  static Map<String, String> flagValues(String root, Map<String, byte[]> desiredKeys) {
    Map<String, String> out = new TreeMap<>();
    String base = root + "/services/";
    desiredKeys.forEach((k, v) -> {
      if (!k.startsWith(base) || k.endsWith("/config")) return;
      String text = new String(v, StandardCharsets.UTF_8).strip();
      String value;
      if (k.endsWith("/artifact")) value = version(text, "artifact");
      else if (k.endsWith("/rollout")) value = selection(text, "");
      else if (k.endsWith("/canary")) value = canary(text);
      else value = text;
      out.put(k.substring(base.length()), value);
    });
    return out;
  }

  private static ObjectNode flag(Map<String, ObjectNode> out, String service, String plugin) {
    return out.computeIfAbsent(service + "/" + plugin, k -> {
      ObjectNode o = JSON.createObjectNode();
      o.put("service", service);
      o.put("plugin", plugin);
      return o;
    });
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  private static String selection(String text, String prefix) {
    JsonNode n = parse(text);
    if (n != null && n.path("percent").isNumber()) return prefix + n.path("percent").asInt() + "%";
    if (n != null && n.path("nodes").isArray()) return prefix + n.path("nodes").size() + " node" + (n.path("nodes").size() == 1 ? "" : "s");
    return "invalid: " + text;
  }

  private static String version(String text, String what) {
    JsonNode n = parse(text);
    if (n == null || !n.isObject()) return "invalid " + what + ": " + text;
    return n.path("version").asText(n.path("url").asText("?"));
  }

  private static String canary(String text) {
    JsonNode n = parse(text);
    if (n == null || !n.isObject()) return "invalid: " + text;
    return version(n.path("artifact").toString(), "artifact") + " @ " + selection(text, "");
  }
}
