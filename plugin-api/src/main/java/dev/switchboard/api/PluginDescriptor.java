package dev.switchboard.api;

import java.util.regex.Pattern;

/**
 * The model of {@code plugin.json} at the root of a plugin jar (docs/reference.md §2). Parsing JSON is the
 * runtime's job; this class holds and validates the values.
 *
 * @param id plugin id, matching {@link #ID_RULE}
 * @param version plugin version (free text, non-blank, at most 64 characters)
 * @param api range of API versions the plugin works with
 * @param entry fully qualified class name of the {@link Plugin} implementation
 * @param description optional human text, or null
 * @param configSchemaJson the {@code configSchema} JSON text, or null when absent
 */
public record PluginDescriptor(
    String id, String version, VersionRange api, String entry, String description, String configSchemaJson) {
  /** Names of plugins (and services, nodes): {@code [a-z0-9][a-z0-9._-]{0,62}}. */
  public static final Pattern ID_RULE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private static final Pattern CLASS_NAME =
      Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");

  public PluginDescriptor {
    if (id == null || !ID_RULE.matcher(id).matches()) {
      throw bad("id " + (id == null ? "missing" : "'" + id + "' does not match " + ID_RULE.pattern()));
    }
    if (version == null || version.isBlank()) {
      throw bad("version missing");
    }
    if (version.length() > 64 || !version.equals(version.strip())) {
      throw bad("version '" + version + "' is longer than 64 characters or has surrounding blanks");
    }
    if (api == null) {
      throw bad("api range missing");
    }
    if (entry == null || entry.isBlank()) {
      throw bad("entry missing");
    }
    if (!CLASS_NAME.matcher(entry).matches()) {
      throw bad("entry '" + entry + "' is not a class name");
    }
  }

  /** True when {@code name} matches {@link #ID_RULE}. */
  public static boolean isValidId(String name) {
    return name != null && ID_RULE.matcher(name).matches();
  }

  private static PluginException bad(String why) {
    return new PluginException(PluginException.Code.BAD_DESCRIPTOR, why);
  }
}
