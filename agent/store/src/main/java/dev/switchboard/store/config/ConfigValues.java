package dev.switchboard.store.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The merged, typed values of one {@link ConfigLayer#load load}, where each came from, and the
 * problems found so far. Callers read typed values, add their own checks with {@link
 * #problem(String)} or {@link #invalid(String, String)}, and report {@link #problems()} all at once.
 */
public final class ConfigValues {
  private final ConfigSchema schema;
  private final Map<String, Object> values;
  private final Map<String, String> origins;
  private final Map<String, JsonNode> fileOnly;
  private final Map<String, String> env;
  private final List<String> problems;
  private final List<String> warnings;

  ConfigValues(ConfigSchema schema, Map<String, Object> values, Map<String, String> origins, Map<String, JsonNode> fileOnly,
      Map<String, String> env, List<String> problems, List<String> warnings) {
    this.schema = schema;
    this.values = Map.copyOf(values);
    this.origins = Map.copyOf(origins);
    this.fileOnly = Map.copyOf(fileOnly);
    this.env = Map.copyOf(env);
    this.problems = new ArrayList<>(problems);
    this.warnings = List.copyOf(warnings);
  }

  public ConfigSchema schema() {
    return schema;
  }

  public boolean has(String path) {
    return values.containsKey(checked(path, null));
  }

  public Optional<String> string(String path) {
    return Optional.ofNullable((String) values.get(checked(path, ConfigKey.Type.STRING)));
  }

  public String string(String path, String dflt) {
    return string(path).orElse(dflt);
  }

  @SuppressWarnings("unchecked")
  public Optional<List<String>> list(String path) {
    return Optional.ofNullable((List<String>) values.get(checked(path, ConfigKey.Type.LIST)));
  }

  public Optional<Long> number(String path) {
    return Optional.ofNullable((Long) values.get(checked(path, ConfigKey.Type.LONG)));
  }

  /** The number, or {@code dflt}; a value outside {@code min..max} is a problem (and {@code dflt} is returned). */
  public long number(String path, long dflt, long min, long max) {
    Long v = number(path).orElse(null);
    if (v == null) return dflt;
    if (v < min || v > max) {
      invalid(path, "must be within " + min + ".." + max);
      return dflt;
    }
    return v;
  }

  public boolean bool(String path, boolean dflt) {
    Boolean b = (Boolean) values.get(checked(path, ConfigKey.Type.BOOLEAN));
    return b == null ? dflt : b;
  }

  public Duration duration(String path, Duration dflt) {
    Duration d = (Duration) values.get(checked(path, ConfigKey.Type.DURATION));
    return d == null ? dflt : d;
  }

  /** A {@code host:port} value (port 0..65535), or {@code dflt}; null (and a problem) when it is not one. */
  public HostPort hostPort(String path, String dflt) {
    String v = string(path, dflt);
    int colon = v.lastIndexOf(':');
    if (colon <= 0) {
      invalid(path, "must be host:port");
      return null;
    }
    try {
      int port = Integer.parseInt(v.substring(colon + 1));
      if (port >= 0 && port <= 65535) return new HostPort(v.substring(0, colon), port);
    } catch (NumberFormatException e) {
      // reported below
    }
    invalid(path, "must be host:port with a port in 0..65535");
    return null;
  }

  /** A {@code host:port} pair. */
  public record HostPort(String host, int port) {}

  /** The YAML of a file-only key, when the file has it. */
  public Optional<JsonNode> fileOnly(String name) {
    if (!schema.fileOnly().contains(name)) throw new IllegalArgumentException("'" + name + "' is not a file-only key of the " + schema.name());
    return Optional.ofNullable(fileOnly.get(name));
  }

  /** The values by path: String, List of String, Long, Boolean or Duration. */
  public Map<String, Object> asMap() {
    return values;
  }

  /** Where the value of {@code path} came from ({@code flag --x}, {@code environment SWITCHBOARD_X}, {@code config file F: key 'x'}), or {@code default}. */
  public String origin(String path) {
    return origins.getOrDefault(checked(path, null), "default");
  }

  /** The environment the values were read with (passwords are looked up here). */
  public Function<String, String> env() {
    return env::get;
  }

  /** Adds a problem about the value of {@code path}: {@code path 'value' <why> (from <origin>)}. */
  public void invalid(String path, String why) {
    Object v = values.get(checked(path, null));
    problems.add(path + (v == null ? "" : " '" + text(v) + "'") + " " + why + (v == null ? "" : " (from " + origin(path) + ")"));
  }

  /** Adds a problem in the caller's words (it should name the key and the value). */
  public void problem(String message) {
    problems.add(message);
  }

  /** Every problem found so far, in order. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** The deprecated names used (each also logged once as a WARN line). */
  public List<String> warnings() {
    return warnings;
  }

  /** Throws {@code exception(problems)} when there is any. */
  public <E extends RuntimeException> void throwIfProblems(Function<List<String>, E> exception) {
    if (!problems.isEmpty()) throw exception.apply(problems());
  }

  private String checked(String path, ConfigKey.Type type) {
    ConfigKey k = schema.key(path).orElseThrow(() -> new IllegalArgumentException("'" + path + "' is not a key of the " + schema.name()));
    if (type != null && k.type() != type) throw new IllegalArgumentException("'" + path + "' is a " + k.type() + ", not a " + type);
    return path;
  }

  private static String text(Object v) {
    return v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v);
  }
}
