package dev.switchboard.it.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.sidecar.desired.Membership;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one plugin should look like on a node, computed from the desired-state keys as docs/reference.md §1 resolves them
 * (per-node override, {@code enabled}, {@code rollout}, {@code canary} with the project's own {@link Membership}
 * hashing, {@code artifact}). The observable result is the marker header the response-header plugin adds:
 * {@code <plugin>/<version>}, or none. Values the model cannot parse make the expectation {@link Expected#UNKNOWN}.
 */
final class DesiredModel {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An expected marker, or unknown (a value the model does not interpret). */
  record Expected(boolean known, Optional<String> marker) {
    static final Expected UNKNOWN = new Expected(false, Optional.empty());
    static final Expected NONE = new Expected(true, Optional.empty());

    static Expected of(String marker) {
      return new Expected(true, Optional.of(marker));
    }

    boolean matches(Optional<String> observed) {
      return !known || marker.equals(observed);
    }

    @Override
    public String toString() {
      return known ? marker.orElse("(none)") : "(unknown)";
    }
  }

  private final String service;
  private final String plugin;
  private final String prefix;
  private final Map<String, String> values = new HashMap<>();

  DesiredModel(String root, String service, String plugin) {
    this.service = service;
    this.plugin = plugin;
    this.prefix = root + "/services/" + service + "/";
  }

  DesiredModel copy() {
    DesiredModel m = new DesiredModel(prefix.substring(0, prefix.indexOf("/services/")), service, plugin);
    m.values.putAll(values);
    return m;
  }

  /** Applies a write ({@code value == null}: a delete); keys of other services are ignored. */
  void apply(String key, String value) {
    if (!key.startsWith(prefix)) return;
    String rel = key.substring(prefix.length());
    if (value == null) values.remove(rel);
    else values.put(rel, value);
  }

  Expected expected(String node) {
    try {
      String override = values.get("nodes/" + node + "/plugins/" + plugin + "/enabled");
      boolean desired;
      if (override != null) {
        desired = bool(override);
      } else {
        String enabled = values.get("plugins/" + plugin + "/enabled");
        desired = enabled != null && bool(enabled) && inside(values.get("plugins/" + plugin + "/rollout"), node, Membership.ROLLOUT_SALT);
      }
      if (!desired) return Expected.NONE;
      String config = values.get("plugins/" + plugin + "/config");
      if (config != null && JSON.readTree(config).has("header")) return Expected.UNKNOWN; // the marker moved to another header
      String canary = values.get("plugins/" + plugin + "/canary");
      JsonNode artifact;
      if (canary != null && inside(canary, node, Membership.CANARY_SALT)) {
        artifact = JSON.readTree(canary).path("artifact");
      } else {
        String a = values.get("plugins/" + plugin + "/artifact");
        if (a == null) return Expected.NONE; // desired without an artifact: FAILED, nothing runs
        artifact = JSON.readTree(a);
      }
      String version = artifact.path("version").asText("");
      if (version.isEmpty()) return Expected.UNKNOWN;
      return Expected.of(plugin + "/" + version);
    } catch (Exception e) {
      return Expected.UNKNOWN;
    }
  }

  private static boolean bool(String v) {
    if (v.equals("true")) return true;
    if (v.equals("false")) return false;
    throw new IllegalArgumentException("not a boolean: " + v);
  }

  /** Rollout/canary membership: absent = every node; {@code percent} through {@link Membership}; or a node list. */
  private boolean inside(String selection, String node, String salt) throws java.io.IOException {
    if (selection == null) return true;
    JsonNode s = JSON.readTree(selection);
    if (s.has("percent")) return Membership.inside(service, plugin, node, salt, s.path("percent").intValue());
    if (s.has("nodes")) {
      for (JsonNode n : s.path("nodes")) if (n.asText().equals(node)) return true;
      return false;
    }
    throw new IllegalArgumentException("neither percent nor nodes: " + selection);
  }
}
