package dev.switchboard.store.config;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One configuration key: its YAML path and its type. The naming rule is the same for every
 * Switchboard process: the path {@code a.bC} is the environment variable {@code SWITCHBOARD_A_B_C}
 * and the flag {@code --a-b-c} (a dot and a lower-to-upper case change both become a separator).
 *
 * @param path YAML path, segments joined by {@code .}, each segment lowerCamelCase
 * @param type how text from the environment, a flag or the file becomes a value
 */
public record ConfigKey(String path, Type type) {
  /** The value types. */
  public enum Type {
    /** Text, stripped. */
    STRING,
    /** A YAML list, or comma-separated text. */
    LIST,
    /** A whole number (64 bits). */
    LONG,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** A positive number with a unit: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
    DURATION
  }

  /** The prefix of every environment variable. */
  public static final String ENV_PREFIX = "SWITCHBOARD_";

  private static final Pattern PATH = Pattern.compile("[a-z][a-zA-Z0-9]*(\\.[a-z][a-zA-Z0-9]*)*");

  public ConfigKey {
    Objects.requireNonNull(path, "path == null");
    Objects.requireNonNull(type, "type == null");
    if (!PATH.matcher(path).matches()) throw new IllegalArgumentException("path is not a.bC style: '" + path + "'");
  }

  public static ConfigKey string(String path) {
    return new ConfigKey(path, Type.STRING);
  }

  public static ConfigKey list(String path) {
    return new ConfigKey(path, Type.LIST);
  }

  public static ConfigKey number(String path) {
    return new ConfigKey(path, Type.LONG);
  }

  public static ConfigKey bool(String path) {
    return new ConfigKey(path, Type.BOOLEAN);
  }

  public static ConfigKey duration(String path) {
    return new ConfigKey(path, Type.DURATION);
  }

  /** {@code SWITCHBOARD_} + the path's words in upper case joined by {@code _}. */
  public String env() {
    return envName(ENV_PREFIX, path);
  }

  /** {@code --} + the path's words in lower case joined by {@code -}. */
  public String flag() {
    return "--" + words(path);
  }

  /** The variable name of {@code path} under another prefix (a deprecated one, for example). */
  public static String envName(String prefix, String path) {
    return prefix + words(path).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static String words(String path) {
    return path.replace('.', '-').replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }
}
