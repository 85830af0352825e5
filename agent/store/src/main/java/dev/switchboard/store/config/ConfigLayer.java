package dev.switchboard.store.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one configuration layer of the agent, the bridge and {@code ctl}: a YAML file, then the
 * environment, then flags; a later layer beats an earlier one key by key (flags beat the
 * environment, which beats the file, which beats the default). Names follow {@link ConfigKey}: key
 * {@code a.bC} is {@code SWITCHBOARD_A_B_C} and {@code --a-b-c}.
 *
 * <p>Nothing here throws on bad input: every problem (an unknown key in the file, an unknown flag, a
 * value of the wrong type) lands in {@link ConfigValues#problems()} naming the key, where it came
 * from and the value, so the caller can add its own checks and report everything at once. Unknown
 * {@code SWITCHBOARD_*} variables are ignored (every Switchboard tool shares the prefix); unknown
 * variables under a schema's deprecated prefix are problems (they can only be typos).
 */
public final class ConfigLayer {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private ConfigLayer() {}

  /**
   * Parses {@code args} ({@code --key value}, {@code --key=value}, and {@code --config FILE}), finds
   * the file ({@code --config}, else {@code SWITCHBOARD_CONFIG}) and loads.
   */
  public static ConfigValues loadArgs(ConfigSchema schema, Map<String, String> env, List<String> args) {
    List<String> problems = new ArrayList<>();
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      int eq = a.indexOf('=');
      String name = a.startsWith("--") && eq > 0 ? a.substring(0, eq) : a;
      String value = a.startsWith("--") && eq > 0 ? a.substring(eq + 1) : null;
      if (!name.startsWith("--")) {
        problems.add("unexpected argument '" + a + "' (flags are --key value)");
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          problems.add("flag " + name + " needs a value");
          continue;
        }
        value = args.get(++i);
      }
      flags.put(name, value);
    }
    String file = flags.remove("--config");
    ConfigValues v = load(schema, file != null ? toPath(file, "flag --config", problems) : configFile(schema, env, problems), env, flags);
    problems.forEach(v::problem);
    return v;
  }

  /**
   * The file named by {@code SWITCHBOARD_CONFIG} (or the schema's deprecated {@code <prefix>CONFIG},
   * with a warning), or null.
   */
  public static Path configFile(ConfigSchema schema, Map<String, String> env, List<String> problems) {
    String f = blankToNull(env.get(ConfigKey.ENV_PREFIX + "CONFIG"));
    if (f != null) return toPath(f, "environment SWITCHBOARD_CONFIG", problems);
    String legacy = schema.legacyEnvPrefix().map(p -> p + "CONFIG").orElse(null);
    f = legacy == null ? null : blankToNull(env.get(legacy));
    if (f == null) return null;
    Deprecations.warn(legacy, ConfigKey.ENV_PREFIX + "CONFIG");
    return toPath(f, "environment " + legacy, problems);
  }

  /**
   * Loads the three layers.
   *
   * @param file the YAML file, or null
   * @param flags flag name ({@code --etcd-endpoints}) → value
   */
  public static ConfigValues load(ConfigSchema schema, Path file, Map<String, String> env, Map<String, String> flags) {
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Layer fromFile = new Layer();
    Map<String, JsonNode> fileOnly = new LinkedHashMap<>();
    if (file != null) readFile(schema, file, fromFile, fileOnly, problems);
    Layer fromEnv = environment(schema, env, problems, warnings);
    Layer fromFlags = new Layer();
    for (Map.Entry<String, String> e : flags.entrySet()) {
      String name = e.getKey();
      ConfigKey k = schema.byFlag(name).orElse(null);
      if (k == null) k = schema.keys().stream().filter(x -> legacyFlag(x).equals(name)).findFirst().orElse(null);
      if (k == null) {
        problems.add("unknown flag " + name + " (known: --config, " + String.join(", ", schema.keys().stream().map(ConfigKey::flag).toList()) + ")");
        continue;
      }
      if (!k.flag().equals(name)) warnings.add(Deprecations.warn(name, k.flag()));
      convert(k, e.getValue(), "flag " + name, fromFlags, problems);
    }
    Layer merged = new Layer();
    for (Layer layer : List.of(fromFile, fromEnv, fromFlags)) {
      for (Set<String> group : schema.oneOf()) {
        if (layer.values.keySet().stream().anyMatch(group::contains)) {
          group.forEach(merged.values::remove);
          group.forEach(merged.origins::remove);
        }
      }
      merged.values.putAll(layer.values);
      merged.origins.putAll(layer.origins);
    }
    return new ConfigValues(schema, merged.values, merged.origins, fileOnly, env, problems, warnings);
  }

  /** Where one layer's values came from, key by key. */
  private static final class Layer {
    final Map<String, Object> values = new LinkedHashMap<>();
    final Map<String, String> origins = new LinkedHashMap<>();
  }

  private static Layer environment(ConfigSchema schema, Map<String, String> env, List<String> problems, List<String> warnings) {
    Layer out = new Layer();
    String legacy = schema.legacyEnvPrefix().orElse(null);
    for (ConfigKey k : schema.keys()) {
      String name = k.env();
      String v = blankToNull(env.get(name));
      String squashed = ConfigKey.ENV_PREFIX + k.path().replace('.', '_').toUpperCase(Locale.ROOT);
      if (v == null && !squashed.equals(name) && blankToNull(env.get(squashed)) != null) {
        v = env.get(squashed);
        warnings.add(Deprecations.warn(squashed, name));
        name = squashed;
      }
      String old = legacy == null ? null : ConfigKey.envName(legacy, k.path());
      if (v == null && old != null && blankToNull(env.get(old)) != null) {
        v = env.get(old);
        warnings.add(Deprecations.warn(old, name));
        name = old;
      }
      if (v != null) convert(k, v, "environment " + name, out, problems);
    }
    if (legacy != null) {
      for (String name : env.keySet()) {
        if (!name.startsWith(legacy) || name.equals(legacy + "CONFIG") || name.endsWith("_PASSWORD")) continue;
        if (schema.keys().stream().noneMatch(k -> ConfigKey.envName(legacy, k.path()).equals(name))) {
          problems.add("unknown environment variable " + name + " (the " + schema.name() + "'s variables are SWITCHBOARD_<KEY>, e.g. "
              + schema.keys().get(0).env() + ")");
        }
      }
    }
    return out;
  }

  private static String legacyFlag(ConfigKey k) {
    return "--" + k.path().replace('.', '-').toLowerCase(Locale.ROOT);
  }

  private static void readFile(ConfigSchema schema, Path file, Layer out, Map<String, JsonNode> fileOnly, List<String> problems) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(Files.readString(file));
    } catch (IOException | RuntimeException e) {
      problems.add("cannot read config file " + file + ": " + String.valueOf(e.getMessage()).split("\n")[0]);
      return;
    }
    if (root == null || root.isNull() || root.isMissingNode()) return;
    if (!root.isObject()) {
      problems.add("config file " + file + " must hold a YAML mapping at the top");
      return;
    }
    walk(schema, root, "", file, out, fileOnly, problems);
  }

  private static void walk(ConfigSchema schema, JsonNode node, String prefix, Path file, Layer out, Map<String, JsonNode> fileOnly,
      List<String> problems) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = prefix + e.getKey();
      String where = "config file " + file + ": key '" + path + "'";
      ConfigKey key = schema.key(path).orElse(null);
      JsonNode v = e.getValue();
      if (key != null) {
        convertNode(key, v, where, out, problems);
      } else if (prefix.isEmpty() && schema.fileOnly().contains(path)) {
        fileOnly.put(path, v);
      } else if (schema.isBlock(path)) {
        if (v.isNull()) continue; // an empty block: same as omitted
        if (!v.isObject()) problems.add(where + " must be a mapping, not '" + v + "'");
        else walk(schema, v, path + ".", file, out, fileOnly, problems);
      } else {
        List<String> known = new ArrayList<>(schema.keys().stream().map(ConfigKey::path).toList());
        known.addAll(schema.fileOnly());
        problems.add(where + " is unknown (known keys: " + String.join(", ", known) + ")");
      }
    }
  }

  private static void convertNode(ConfigKey k, JsonNode v, String where, Layer out, List<String> problems) {
    if (v.isNull()) return;
    if (k.type() == ConfigKey.Type.LIST && v.isArray()) {
      List<String> list = new ArrayList<>();
      for (JsonNode e : v) {
        if (!e.isValueNode() || e.isNull()) {
          problems.add(where + " must be a list of strings: '" + v + "'");
          return;
        }
        list.add(e.asText().strip());
      }
      out.values.put(k.path(), List.copyOf(list));
      out.origins.put(k.path(), where);
      return;
    }
    if (!v.isValueNode()) {
      problems.add(where + " must be " + (k.type() == ConfigKey.Type.LIST ? "a list" : "a single value") + ", not '" + v + "'");
      return;
    }
    if (k.type() == ConfigKey.Type.LONG && v.isNumber() && !v.isIntegralNumber()) {
      problems.add(where + " is not a whole number: '" + v.asText() + "'");
      return;
    }
    convert(k, v.asText(), where, out, problems);
  }

  private static void convert(ConfigKey k, String v, String where, Layer out, List<String> problems) {
    Object value = null;
    switch (k.type()) {
      case STRING -> value = v.strip();
      case LIST -> {
        List<String> list = new ArrayList<>();
        for (String s : v.split(",")) if (!s.isBlank()) list.add(s.strip());
        value = List.copyOf(list);
      }
      case LONG -> {
        try {
          value = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
          problems.add(where + " is not a whole number: '" + v + "'");
        }
      }
      case BOOLEAN -> {
        String t = v.strip().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) value = Boolean.valueOf(t);
        else problems.add(where + " is not true or false: '" + v + "'");
      }
      case DURATION -> {
        value = duration(v);
        if (value == null) problems.add(where + " is not a duration > 0 like 500ms, 10s, 2m, 1h: '" + v + "'");
      }
    }
    if (value != null) {
      out.values.put(k.path(), value);
      out.origins.put(k.path(), where);
    }
  }

  /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}; null when {@code text} is not one or is zero. */
  public static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) return null;
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return null;
    }
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
    return d.isZero() ? null : d;
  }

  private static Path toPath(String f, String where, List<String> problems) {
    try {
      return Path.of(f);
    } catch (InvalidPathException e) {
      problems.add(where + " is not a file path: '" + f + "'");
      return null;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
