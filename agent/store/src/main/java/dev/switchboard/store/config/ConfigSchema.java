package dev.switchboard.store.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The keys one process accepts, as an immutable value: simple keys (also environment variables and
 * flags), file-only keys (a YAML structure the process reads itself, such as the bridge's {@code
 * mappings}), groups of keys of which a higher layer's choice replaces a lower layer's (the agent's
 * host locator), and an optional deprecated environment prefix still accepted with a warning.
 */
public final class ConfigSchema {
  private final String name;
  private final Map<String, ConfigKey> keys;
  private final Set<String> fileOnly;
  private final List<Set<String>> oneOf;
  private final String legacyEnvPrefix;

  private ConfigSchema(String name, Map<String, ConfigKey> keys, Set<String> fileOnly, List<Set<String>> oneOf, String legacyEnvPrefix) {
    this.name = name;
    this.keys = keys;
    this.fileOnly = fileOnly;
    this.oneOf = oneOf;
    this.legacyEnvPrefix = legacyEnvPrefix;
  }

  /**
   * @param name the process, in messages ({@code agent}, {@code bridge}, {@code ctl})
   * @throws IllegalArgumentException when two keys share a path or one key's path is a prefix of another's
   */
  public static ConfigSchema of(String name, List<ConfigKey> keys) {
    Objects.requireNonNull(name, "name == null");
    Map<String, ConfigKey> m = new LinkedHashMap<>();
    for (ConfigKey k : keys) {
      if (m.put(k.path(), k) != null) throw new IllegalArgumentException("key '" + k.path() + "' is listed twice");
    }
    for (String a : m.keySet()) {
      for (String b : m.keySet()) {
        if (b.startsWith(a + ".")) throw new IllegalArgumentException("key '" + a + "' is both a value and the block of '" + b + "'");
      }
    }
    return new ConfigSchema(name, java.util.Collections.unmodifiableMap(m), Set.of(), List.of(), null);
  }

  /** Adds top-level keys that only the YAML file may set; their value is handed over as it is. */
  public ConfigSchema withFileOnly(String... paths) {
    return new ConfigSchema(name, keys, Set.copyOf(List.of(paths)), oneOf, legacyEnvPrefix);
  }

  /** Keys that are one choice: a layer setting any of them removes the others set by lower layers. */
  public ConfigSchema withOneOf(String... paths) {
    for (String p : paths) if (!keys.containsKey(p)) throw new IllegalArgumentException("oneOf names unknown key '" + p + "'");
    List<Set<String>> l = new ArrayList<>(oneOf);
    l.add(Set.of(paths));
    return new ConfigSchema(name, keys, fileOnly, List.copyOf(l), legacyEnvPrefix);
  }

  /** Also accepts {@code prefix + WORDS} (e.g. {@code SWITCHBOARD_BRIDGE_ETCD_ENDPOINTS}), logging a deprecation warning. */
  public ConfigSchema withLegacyEnvPrefix(String prefix) {
    if (!prefix.startsWith(ConfigKey.ENV_PREFIX) || !prefix.endsWith("_")) {
      throw new IllegalArgumentException("legacy prefix must look like SWITCHBOARD_X_: '" + prefix + "'");
    }
    return new ConfigSchema(name, keys, fileOnly, oneOf, prefix);
  }

  public String name() {
    return name;
  }

  /** The keys in the order given. */
  public List<ConfigKey> keys() {
    return List.copyOf(keys.values());
  }

  public Optional<ConfigKey> key(String path) {
    return Optional.ofNullable(keys.get(path));
  }

  public Optional<ConfigKey> byFlag(String flag) {
    return keys.values().stream().filter(k -> k.flag().equals(flag)).findFirst();
  }

  public Set<String> fileOnly() {
    return fileOnly;
  }

  public List<Set<String>> oneOf() {
    return oneOf;
  }

  public Optional<String> legacyEnvPrefix() {
    return Optional.ofNullable(legacyEnvPrefix);
  }

  /** True when {@code path} is the block of some key ({@code etcd} for {@code etcd.endpoints}). */
  boolean isBlock(String path) {
    return keys.keySet().stream().anyMatch(k -> k.startsWith(path + "."));
  }

  /** One line per key: path, environment variable, flag; for help texts. */
  public String help() {
    StringBuilder b = new StringBuilder();
    for (ConfigKey k : keys.values()) b.append(String.format("  %-28s %-42s %s%n", k.path(), k.env(), k.flag()));
    return b.toString();
  }
}
