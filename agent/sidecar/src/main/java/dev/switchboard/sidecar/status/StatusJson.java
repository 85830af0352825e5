package dev.switchboard.sidecar.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.sidecar.desired.KeyError;
import dev.switchboard.sidecar.reconcile.LiveSplit;
import dev.switchboard.sidecar.reconcile.PluginReport;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON shapes of docs/reference.md §1 (status keys) and §4 ({@code /v1/status}). */
public final class StatusJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusJson() {}

  public static ObjectNode plugin(PluginReport r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("state", r.state());
    o.put("desired", r.desired());
    o.put("version", r.version());
    o.put("sha256", r.sha256());
    o.put("since", r.since());
    o.put("error", r.error());
    o.put("generation", r.generation());
    if (r.unload() != null) o.put("unload", r.unload());
    if (r.traffic() != null) o.set("traffic", traffic(r, null));
    return o;
  }

  /**
   * {@code {"versions": {"<version>": {"weight", "sha256"[, "calls"]}, …}, "hashKey"?, "pin"?: {"header", "values"}}}:
   * the two versions live with calls shared; {@code calls} (since the split started) from the runtime's figures
   * for the plugin when given.
   */
  static ObjectNode traffic(PluginReport r, Object figures) {
    LiveSplit t = r.traffic();
    Map<?, ?> live = figures instanceof Map<?, ?> m && m.get("versions") instanceof Map<?, ?> v ? v : Map.of();
    ObjectNode o = JSON.createObjectNode();
    ObjectNode versions = o.putObject("versions");
    new TreeMap<>(t.weights()).forEach((version, weight) -> {
      ObjectNode v = versions.putObject(version);
      v.put("weight", weight);
      v.put("sha256", version.equals(r.version()) ? r.sha256() : t.secondSha256());
      if (live.get(version) instanceof Map<?, ?> f && f.get("calls") instanceof Number calls) v.put("calls", calls.longValue());
    });
    if (t.hashKey() != null) o.put("hashKey", t.hashKey());
    if (t.pinHeader() != null) {
      ObjectNode pin = o.putObject("pin");
      pin.put("header", t.pinHeader());
      ObjectNode values = pin.putObject("values");
      new TreeMap<>(t.pins()).forEach(values::put);
    }
    return o;
  }

  public static ObjectNode agent(AgentStatus a) {
    ObjectNode o = JSON.createObjectNode();
    o.put("agentVersion", a.agentVersion());
    o.put("runtimeVersion", a.runtimeVersion());
    o.put("hostPid", a.hostPid());
    o.put("hostJava", a.hostJava());
    o.put("attached", a.attached());
    ObjectNode stores = o.putObject("stores");
    new TreeMap<>(a.stores()).forEach(stores::put);
    o.put("since", a.since());
    if (!a.missingExports().isEmpty()) {
      com.fasterxml.jackson.databind.node.ArrayNode m = o.putArray("missingExports");
      a.missingExports().forEach(m::add);
    }
    return o;
  }

  /** {@code {"service", "node", "agent": {…}, "plugins": [{"plugin": id, …status…}]}}. */
  public static String document(String service, String node, AgentStatus agent, List<PluginReport> plugins) {
    return document(service, node, agent, plugins, List.of());
  }

  /**
   * As {@link #document(String, String, AgentStatus, List)}, plus {@code "rejectedKeys": [{"key", "error"}]}: keys
   * under the service that belong to no plugin (a name outside the name rule such as {@code ..}, a path with extra
   * segments), so a refusal that has no plugin to be FAILED on is still visible with its reason.
   */
  public static String document(String service, String node, AgentStatus agent, List<PluginReport> plugins,
      List<KeyError> rejectedKeys) {
    return document(service, node, agent, plugins, rejectedKeys, Map.of());
  }

  /**
   * As {@link #document(String, String, AgentStatus, List, List)}, with each split's call counts per version from
   * {@code runtimeTraffic} (the runtime's {@code stats.traffic}: plugin → figures).
   */
  public static String document(String service, String node, AgentStatus agent, List<PluginReport> plugins,
      List<KeyError> rejectedKeys, Map<String, Object> runtimeTraffic) {
    ObjectNode o = JSON.createObjectNode();
    o.put("service", service);
    o.put("node", node);
    o.set("agent", agent(agent));
    ArrayNode arr = o.putArray("plugins");
    for (PluginReport r : plugins) {
      ObjectNode p = JSON.createObjectNode();
      p.put("plugin", r.plugin());
      p.setAll(plugin(r));
      if (r.traffic() != null) p.set("traffic", traffic(r, runtimeTraffic.get(r.plugin())));
      arr.add(p);
    }
    ArrayNode rejected = o.putArray("rejectedKeys");
    for (KeyError e : rejectedKeys) rejected.addObject().put("key", e.key()).put("error", e.reason());
    return o.toString();
  }

  public static byte[] bytes(ObjectNode node) {
    return node.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
