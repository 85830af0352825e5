package dev.switchboard.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fleet as the status keys {@code <root>/status/<service>/<node>/{agent,plugins/<plugin>}} describe it:
 * {@code [{service, node, agent, plugins: [{plugin, state, desired, version, sha256, since, error, generation}]}]},
 * sorted by service and node, narrowed by a {@link FleetFilter}. Pure: the caller reads the keys.
 */
public final class FleetStatus {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FleetStatus() {}

  /** Every node of every service under {@code root}. */
  public static ArrayNode nodes(String root, Map<String, byte[]> keys) {
    return nodes(root, keys, FleetFilter.all());
  }

  /**
   * The nodes and plugin rows {@code filter} lets through. When the filter names a plugin or states, a node with
   * no matching plugin row is left out; otherwise nodes without plugins are kept (an agent that reports only itself).
   */
  public static ArrayNode nodes(String root, Map<String, byte[]> keys, FleetFilter filter) {
    Map<String, ObjectNode> byNode = new TreeMap<>();
    String base = root + "/status/";
    for (Map.Entry<String, byte[]> e : keys.entrySet()) {
      if (!e.getKey().startsWith(base)) continue;
      String[] parts = e.getKey().substring(base.length()).split("/");
      if (parts.length < 3 || !filter.node(parts[0], parts[1])) continue;
      JsonNode value = parse(e.getKey(), e.getValue());
      boolean agentKey = parts.length == 3 && parts[2].equals("agent");
      boolean pluginKey = parts.length == 4 && parts[2].equals("plugins");
      if (!agentKey && !pluginKey) continue;
      ObjectNode n = byNode.computeIfAbsent(parts[0] + "/" + parts[1], k -> {
        ObjectNode o = JSON.createObjectNode();
        o.put("service", parts[0]);
        o.put("node", parts[1]);
        o.putObject("agent");
        o.putArray("plugins");
        return o;
      });
      if (agentKey) {
        n.set("agent", value);
      } else {
        ObjectNode p = JSON.createObjectNode();
        p.put("plugin", parts[3]);
        if (value.isObject()) p.setAll((ObjectNode) value);
        else p.put("error", "status value is not a JSON object: " + value);
        if (filter.plugin(parts[3], p.path("state").asText(""))) ((ArrayNode) n.get("plugins")).add(p);
      }
    }
    ArrayNode out = JSON.createArrayNode();
    for (ObjectNode n : byNode.values()) {
      if (filter.narrowsPlugins() && n.get("plugins").isEmpty()) continue;
      out.add(n);
    }
    return out;
  }

  private static JsonNode parse(String key, byte[] value) {
    try {
      JsonNode v = JSON.readTree(value);
      return v == null ? JSON.createObjectNode().put("error", "empty status value at " + key) : v;
    } catch (IOException ex) {
      return JSON.createObjectNode().put("error", "unreadable status value at " + key + ": " + ex.getMessage());
    }
  }
}
