package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.switchboard.sidecar.desired.ArtifactRef;
import dev.switchboard.sidecar.desired.Values;
import dev.switchboard.store.KeySpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ctl set-config}'s check before writing: the config must match the {@code configSchema} of every
 * artifact the service's nodes may run (the plugin's {@code artifact} and, when set, its canary's), the same
 * check (JSON Schema 2020-12 unless the schema names another dialect) each runtime makes before a config
 * reaches the plugin.
 */
final class CtlConfigSchema {
  private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private CtlConfigSchema() {}

  /**
   * Throws {@link CtlStore.Failed} naming the artifact and every schema violation; returns the artifacts
   * checked (empty when the plugin has no artifact yet: nothing to check against).
   */
  static List<String> check(KeySpace ks, String artifactKey, String canaryKey, String config) {
    List<String> checked = new ArrayList<>();
    Optional<String> artifact = CtlStore.get(ks, artifactKey);
    if (artifact.isPresent()) checked.add(checkOne(ref(artifactKey, artifact.get(), false), artifactKey, config));
    Optional<String> canary = CtlStore.get(ks, canaryKey);
    if (canary.isPresent()) checked.add(checkOne(ref(canaryKey, canary.get(), true), canaryKey, config));
    return checked;
  }

  private static ArtifactRef ref(String key, String value, boolean canary) {
    try {
      return canary ? Values.parseCanary(value).artifact() : Values.parseArtifact(value);
    } catch (IllegalArgumentException e) {
      throw new CtlStore.Failed("cannot check the config: " + key + " is invalid (" + e.getMessage()
          + "); fix it, or write the config unchecked with --no-schema-check");
    }
  }

  private static String checkOne(ArtifactRef ref, String key, String config) {
    JsonNode schema = CtlArtifacts.configSchema(ref);
    String what = ref.url() + (ref.version() == null ? "" : " (version " + ref.version() + ")");
    if (schema != null && !schema.isNull()) {
      List<String> problems = problems(schema, Values.parseJson(config), what);
      if (!problems.isEmpty()) {
        throw new CtlStore.Failed("config refused by the configSchema of " + what + " (from " + key + "): "
            + String.join("; ", problems) + ". Every node running it would refuse this config;"
            + " write it anyway with --no-schema-check");
      }
    }
    return what;
  }

  /** The schema's violations by {@code config}, sorted; empty when it matches. */
  static List<String> problems(JsonNode schema, JsonNode config, String what) {
    JsonSchema compiled;
    try {
      compiled = SCHEMAS.getSchema(schema);
    } catch (RuntimeException e) {
      throw new CtlStore.Failed("the configSchema of " + what + " is not a valid JSON Schema: " + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    for (ValidationMessage m : compiled.validate(config)) problems.add(m.getMessage());
    problems.sort(null);
    return problems;
  }
}
