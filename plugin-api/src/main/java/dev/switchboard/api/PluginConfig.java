package dev.switchboard.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A plugin's validated config: a read-only view of a JSON object. Values are {@code String},
 * {@code Boolean}, {@code Long} (integral numbers), {@code Double} (other numbers), {@code
 * List<Object>}, {@code Map<String,Object>} or {@code null}, all unmodifiable.
 */
public final class PluginConfig {
  private static final PluginConfig EMPTY = new PluginConfig(Map.of());

  private final Map<String, Object> values;

  private PluginConfig(Map<String, Object> values) {
    this.values = values;
  }

  /** The empty config {@code {}}. */
  public static PluginConfig empty() {
    return EMPTY;
  }

  /**
   * A config from a JSON-like map (deep-copied and made unmodifiable). Numbers are normalised to
   * {@code Long} (integral) or {@code Double}.
   *
   * @throws PluginException BAD_CONFIG if a value is of another type
   */
  public static PluginConfig of(Map<String, ?> values) {
    Objects.requireNonNull(values, "values == null");
    @SuppressWarnings("unchecked")
    Map<String, Object> copy = (Map<String, Object>) copy("", values);
    return new PluginConfig(copy);
  }

  private static Object copy(String path, Object v) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float) {
      return ((Float) v).doubleValue();
    }
    if (v instanceof java.math.BigDecimal) {
      java.math.BigDecimal d = (java.math.BigDecimal) v;
      try {
        return d.longValueExact();
      } catch (ArithmeticException notIntegral) {
        return d.doubleValue();
      }
    }
    if (v instanceof java.math.BigInteger) {
      return ((java.math.BigInteger) v).longValue();
    }
    if (v instanceof Map) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new PluginException(PluginException.Code.BAD_CONFIG, "non-string key at '" + path + "': " + e.getKey());
        }
        String key = (String) e.getKey();
        m.put(key, copy(path.isEmpty() ? key : path + "." + key, e.getValue()));
      }
      return Collections.unmodifiableMap(m);
    }
    if (v instanceof List) {
      List<Object> l = new ArrayList<>();
      int i = 0;
      for (Object o : (List<?>) v) {
        l.add(copy(path + "[" + i++ + "]", o));
      }
      return Collections.unmodifiableList(l);
    }
    throw new PluginException(
        PluginException.Code.BAD_CONFIG, "unsupported value type at '" + path + "': " + v.getClass().getName());
  }

  /** The whole config as an unmodifiable map. */
  public Map<String, Object> asMap() {
    return values;
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public Optional<Object> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public String string(String key, String defaultValue) {
    Object v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof String)) {
      throw wrongType(key, "string", v);
    }
    return (String) v;
  }

  public long longValue(String key, long defaultValue) {
    Object v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Long) {
      return (Long) v;
    }
    if (v instanceof Double && ((Double) v) == Math.rint((Double) v)) {
      return ((Double) v).longValue();
    }
    throw wrongType(key, "integer", v);
  }

  public double number(String key, double defaultValue) {
    Object v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Number)) {
      throw wrongType(key, "number", v);
    }
    return ((Number) v).doubleValue();
  }

  public boolean bool(String key, boolean defaultValue) {
    Object v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Boolean)) {
      throw wrongType(key, "boolean", v);
    }
    return (Boolean) v;
  }

  @SuppressWarnings("unchecked")
  public List<Object> list(String key) {
    Object v = values.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List)) {
      throw wrongType(key, "array", v);
    }
    return (List<Object>) v;
  }

  @SuppressWarnings("unchecked")
  public PluginConfig object(String key) {
    Object v = values.get(key);
    if (v == null) {
      return EMPTY;
    }
    if (!(v instanceof Map)) {
      throw wrongType(key, "object", v);
    }
    return new PluginConfig((Map<String, Object>) v);
  }

  private static PluginException wrongType(String key, String expected, Object v) {
    return new PluginException(
        PluginException.Code.BAD_CONFIG,
        "config '" + key + "' is not a " + expected + ": " + v + " (" + v.getClass().getSimpleName() + ")");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PluginConfig && ((PluginConfig) o).values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
