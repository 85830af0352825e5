package dev.switchboard.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One line per plugin of a service across its nodes: how many nodes report it, how many should run it
 * ({@code desired}), how many run it without error ({@code live}: ACTIVE, desired, no error), the rollout's
 * progress ({@code live / desired}), nodes per state and per version, and the failing nodes (state FAILED or an
 * error) with their reasons. Pure.
 */
public final class FleetSummary {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FleetSummary() {}

  /** {@code [{service, plugin, nodes, desired, live, progress, states, versions, failing: [{node, state, error}]}]}. */
  public static ArrayNode of(ArrayNode nodes) {
    Map<String, Acc> byPlugin = new TreeMap<>();
    for (JsonNode n : nodes) {
      String service = n.path("service").asText();
      for (JsonNode p : n.path("plugins")) {
        String plugin = p.path("plugin").asText();
        byPlugin.computeIfAbsent(service + "\0" + plugin, k -> new Acc(service, plugin)).add(n.path("node").asText(), p);
      }
    }
    ArrayNode out = JSON.createArrayNode();
    byPlugin.values().forEach(a -> out.add(a.json()));
    return out;
  }

  /** The summary as a table; failing nodes under their plugin, at most {@code maxFailing} each. */
  public static String table(ArrayNode summary, int maxFailing) {
    StringBuilder b = new StringBuilder();
    String fmt = "%-16s %-20s %6s %8s %6s %9s  %-32s %s%n";
    b.append(String.format(fmt, "SERVICE", "PLUGIN", "NODES", "DESIRED", "LIVE", "PROGRESS", "STATES", "VERSIONS"));
    for (JsonNode s : summary) {
      b.append(String.format(fmt, s.path("service").asText(), s.path("plugin").asText(), s.path("nodes").asInt(),
          s.path("desired").asInt(), s.path("live").asInt(), s.path("progress").asText() + "%",
          counts(s.path("states")), counts(s.path("versions"))));
      JsonNode failing = s.path("failing");
      int shown = 0;
      for (JsonNode f : failing) {
        if (shown++ == maxFailing) {
          b.append("    … and ").append(failing.size() - maxFailing).append(" more failing\n");
          break;
        }
        b.append("    ").append(f.path("node").asText()).append(' ').append(f.path("state").asText()).append(": ")
            .append(f.path("error").asText("")).append('\n');
      }
    }
    if (summary.isEmpty()) b.append("(no plugin status matches)\n");
    return b.toString();
  }

  private static String counts(JsonNode m) {
    List<String> parts = new ArrayList<>();
    m.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asInt()));
    return String.join(" ", parts);
  }

  private static final class Acc {
    final String service;
    final String plugin;
    int nodes;
    int desired;
    int live;
    final Map<String, Integer> states = new TreeMap<>();
    final Map<String, Integer> versions = new TreeMap<>();
    final ArrayNode failing = JSON.createArrayNode();

    Acc(String service, String plugin) {
      this.service = service;
      this.plugin = plugin;
    }

    void add(String node, JsonNode p) {
      nodes++;
      String state = p.path("state").asText("UNKNOWN");
      boolean error = p.hasNonNull("error") && !p.path("error").asText().isEmpty();
      boolean wanted = p.path("desired").asBoolean(false);
      if (wanted) desired++;
      if (wanted && state.equals("ACTIVE") && !error) live++;
      states.merge(state, 1, Integer::sum);
      if (state.equals("ACTIVE")) versions.merge(p.path("version").asText("-"), 1, Integer::sum);
      if (state.equals("FAILED") || error) {
        failing.addObject().put("node", node).put("state", state).put("error", p.path("error").asText(""));
      }
    }

    ObjectNode json() {
      ObjectNode o = JSON.createObjectNode();
      o.put("service", service);
      o.put("plugin", plugin);
      o.put("nodes", nodes);
      o.put("desired", desired);
      o.put("live", live);
      o.put("progress", desired == 0 ? 100 : (int) Math.floor(100.0 * live / desired));
      ObjectNode st = o.putObject("states");
      states.forEach(st::put);
      ObjectNode v = o.putObject("versions");
      versions.forEach(v::put);
      o.set("failing", failing);
      return o;
    }
  }
}
