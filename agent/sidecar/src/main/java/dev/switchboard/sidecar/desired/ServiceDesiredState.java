package dev.switchboard.sidecar.desired;

import dev.switchboard.store.Change;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desired state of one service as one store presents it, built from the store's change
 * stream. Every value is validated; a refused value is recorded as a {@link KeyError} and the
 * key's last valid value stays in force. Not thread-safe: fed by one watch thread (callers
 * synchronize otherwise).
 */
public final class ServiceDesiredState {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceDesiredState.class);
  private static final Set<String> LEAVES =
      Set.of(DesiredKeys.ENABLED, DesiredKeys.ARTIFACT, DesiredKeys.CONFIG, DesiredKeys.ROLLOUT, DesiredKeys.CANARY,
          DesiredKeys.TRAFFIC);

  private final String root;
  private final String service;
  private final String prefix;
  private final Map<String, Keys> plugins = new TreeMap<>();
  /** Keys under the service that could not be attributed to a plugin (bad names, unknown layout). */
  private final Map<String, KeyError> rejected = new TreeMap<>();

  public ServiceDesiredState(String root, String service) {
    this.root = DesiredKeys.normalizeRoot(root);
    this.service = Names.require("service", service);
    this.prefix = DesiredKeys.servicePrefix(this.root, service);
  }

  public String prefix() {
    return prefix;
  }

  /** Applies one change; returns the plugins whose spec may have changed (empty if none). */
  public Set<String> apply(Change change) {
    String key = change.key();
    if (!key.startsWith(prefix)) return Set.of();
    String[] parts = key.substring(prefix.length()).split("/", -1);
    if (change.deleted()) rejected.remove(key);
    if (parts.length == 3 && parts[0].equals("plugins")) {
      return applyPluginKey(key, parts[1], parts[2], change);
    }
    if (parts.length == 5 && parts[0].equals("nodes") && parts[2].equals("plugins") && parts[4].equals(DesiredKeys.ENABLED)) {
      return applyOverride(key, parts[1], parts[3], change);
    }
    if (!change.deleted()) reject(key, "not a key of the desired-state layout (docs/reference.md §1); ignored");
    return Set.of();
  }

  private Set<String> applyPluginKey(String key, String plugin, String leaf, Change change) {
    if (!Names.valid(plugin)) {
      if (!change.deleted()) reject(key, "invalid plugin name '" + plugin + "' (must match " + Names.RULE + ")");
      return Set.of();
    }
    if (!LEAVES.contains(leaf)) {
      if (!change.deleted()) reject(key, "unknown plugin key '" + leaf + "' (expected one of " + new TreeSet<>(LEAVES) + ")");
      return Set.of();
    }
    Keys k = plugins.computeIfAbsent(plugin, p -> new Keys());
    if (change.deleted()) {
      k.values.remove(leaf);
      k.errors.remove(key);
    } else {
      try {
        k.values.put(leaf, parse(leaf, change.valueUtf8()));
        k.errors.remove(key);
      } catch (IllegalArgumentException e) {
        k.errors.put(key, new KeyError(key, e.getMessage()));
        LOG.warn("refused {}: {} (last valid value kept)", key, e.getMessage());
      }
    }
    if (k.isEmpty()) plugins.remove(plugin);
    return Set.of(plugin);
  }

  private Set<String> applyOverride(String key, String node, String plugin, Change change) {
    if (!Names.valid(node) || !Names.valid(plugin)) {
      if (!change.deleted()) {
        reject(key, "invalid " + (Names.valid(node) ? "plugin name '" + plugin : "node name '" + node)
            + "' (must match " + Names.RULE + ")");
      }
      return Set.of();
    }
    Keys k = plugins.computeIfAbsent(plugin, p -> new Keys());
    if (change.deleted()) {
      k.overrides.remove(node);
      k.errors.remove(key);
    } else {
      try {
        k.overrides.put(node, Values.parseEnabled(change.valueUtf8()));
        k.errors.remove(key);
      } catch (IllegalArgumentException e) {
        k.errors.put(key, new KeyError(key, e.getMessage()));
        LOG.warn("refused {}: {} (last valid value kept)", key, e.getMessage());
      }
    }
    if (k.isEmpty()) plugins.remove(plugin);
    return Set.of(plugin);
  }

  private void reject(String key, String reason) {
    rejected.put(key, new KeyError(key, reason));
    LOG.warn("ignored {}: {}", key, reason);
  }

  private static Object parse(String leaf, String text) {
    return switch (leaf) {
      case DesiredKeys.ENABLED -> Values.parseEnabled(text);
      case DesiredKeys.ARTIFACT -> Values.parseArtifact(text);
      case DesiredKeys.CONFIG -> Values.parseConfig(text);
      case DesiredKeys.ROLLOUT -> Values.parseRollout(text);
      case DesiredKeys.CANARY -> Values.parseCanary(text);
      case DesiredKeys.TRAFFIC -> Values.parseTraffic(text);
      default -> throw new IllegalArgumentException("unknown plugin key '" + leaf + "'");
    };
  }

  /** Plugins with at least one key (valid or refused). */
  public Set<String> plugins() {
    return Set.copyOf(plugins.keySet());
  }

  public PluginSpec spec(String plugin) {
    Keys k = plugins.get(plugin);
    if (k == null) return PluginSpec.empty(service, plugin);
    return new PluginSpec(
        service,
        plugin,
        (Boolean) k.values.get(DesiredKeys.ENABLED),
        (ArtifactRef) k.values.get(DesiredKeys.ARTIFACT),
        (String) k.values.get(DesiredKeys.CONFIG),
        (Selection) k.values.get(DesiredKeys.ROLLOUT),
        (Canary) k.values.get(DesiredKeys.CANARY),
        (Traffic) k.values.get(DesiredKeys.TRAFFIC),
        k.overrides,
        new ArrayList<>(k.errors.values()));
  }

  public Resolution resolve(String plugin, String node) {
    return Resolver.resolve(spec(plugin), root, node);
  }

  /** Keys that belong to no plugin (bad names, unknown layout), with the reason. */
  public List<KeyError> rejected() {
    return List.copyOf(rejected.values());
  }

  private static final class Keys {
    final Map<String, Object> values = new LinkedHashMap<>();
    final Map<String, Boolean> overrides = new TreeMap<>();
    final Map<String, KeyError> errors = new TreeMap<>();

    boolean isEmpty() {
      return values.isEmpty() && overrides.isEmpty() && errors.isEmpty();
    }
  }
}
