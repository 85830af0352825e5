package dev.switchboard.runtime.plugin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.switchboard.api.ApiVersion;
import dev.switchboard.api.PluginConfig;
import dev.switchboard.api.PluginDescriptor;
import dev.switchboard.api.PluginException;
import dev.switchboard.api.VersionRange;
import dev.switchboard.runtime.plugin.PluginRefusedException.Code;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Parses and validates {@code plugin.json} and plugin configs (JSON text → plugin-api values). */
final class Descriptors {
  static final String DESCRIPTOR = "plugin.json";
  private static final Set<String> FIELDS = Set.of("id", "version", "api", "entry", "description", "configSchema",
      "restart", "advice");
  /** {@code restart}: the new instance starts beside the old one (default), or only after the old one stopped. */
  static final String SIDE_BY_SIDE = "side-by-side";
  static final String STOP_FIRST = "stop-first";
  private static final Set<String> SCHEMA_DIALECTS = Set.of(
      "https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2019-09/schema",
      "http://json-schema.org/draft-07/schema", "http://json-schema.org/draft-06/schema",
      "http://json-schema.org/draft-04/schema");

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  static {
    JSON.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build());
  }

  private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private Descriptors() {}

  /**
   * A validated descriptor plus its compiled config schema (null when none) and its restart policy
   * ({@code stopFirst}: a restart or upgrade stops the running instance before starting the new one).
   */
  record Parsed(PluginDescriptor descriptor, JsonSchema schema, boolean stopFirst, List<DeclaredAdvice> advice) {}

  static Parsed parse(JarImage jar, String requestedId, ApiVersion runtimeApi) {
    byte[] raw = jar.entry(DESCRIPTOR);
    if (raw == null) {
      throw new PluginRefusedException(Code.DESCRIPTOR, "plugin.json missing at the root of the jar");
    }
    JsonNode root;
    try {
      root = JSON.readTree(raw); // bytes: encoding detected, a UTF-8 byte order mark is accepted
    } catch (IOException e) {
      throw new PluginRefusedException(Code.DESCRIPTOR, "plugin.json is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new PluginRefusedException(Code.DESCRIPTOR, "plugin.json is not a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new PluginRefusedException(Code.DESCRIPTOR, "unknown field '" + f + "' (known: " + new TreeSet<>(FIELDS) + ")");
      }
    }
    String id = text(root, "id", true);
    String version = text(root, "version", true);
    String apiText = text(root, "api", true);
    String entry = text(root, "entry", true);
    String description = text(root, "description", false);
    VersionRange api;
    try {
      api = VersionRange.parse(apiText);
    } catch (PluginException e) {
      throw new PluginRefusedException(Code.DESCRIPTOR, "api: " + stripCode(e));
    }
    JsonNode schemaNode = root.get("configSchema");
    PluginDescriptor d;
    try {
      d = new PluginDescriptor(id, version, api, entry, description,
          schemaNode == null || schemaNode.isNull() ? null : schemaNode.toString());
    } catch (PluginException e) {
      throw new PluginRefusedException(Code.DESCRIPTOR, stripCode(e));
    }
    if (!d.id().equals(requestedId)) {
      throw new PluginRefusedException(Code.DESCRIPTOR, "id '" + d.id() + "' does not match the requested plugin '" + requestedId + "'");
    }
    if (!api.includes(runtimeApi)) {
      throw new PluginRefusedException(Code.DESCRIPTOR, "api range " + api + " excludes runtime API " + runtimeApi);
    }
    String restart = text(root, "restart", false);
    if (restart != null && !restart.equals(SIDE_BY_SIDE) && !restart.equals(STOP_FIRST)) {
      throw new PluginRefusedException(Code.DESCRIPTOR, "restart '" + restart + "' is not '" + SIDE_BY_SIDE + "' or '"
          + STOP_FIRST + "'");
    }
    // only a descriptor that declares advice loads the advice types (a host's plugin API before 1.1 has none)
    List<DeclaredAdvice> advice = root.has("advice") ? DeclaredAdvice.parse(root.get("advice")) : List.of();
    return new Parsed(d, schemaNode == null || schemaNode.isNull() ? null : compileSchema(schemaNode),
        STOP_FIRST.equals(restart), advice);
  }

  private static JsonSchema compileSchema(JsonNode schema) {
    if (!schema.isObject() && !schema.isBoolean()) {
      throw new PluginRefusedException(Code.DESCRIPTOR, "configSchema is not a JSON object");
    }
    if (schema.isObject()) {
      JsonNode dialect = schema.get("$schema");
      if (dialect != null && !SCHEMA_DIALECTS.contains(dialect.asText().replaceAll("#$", ""))) {
        throw new PluginRefusedException(Code.DESCRIPTOR, "configSchema $schema '" + dialect.asText() + "' is not one of " + SCHEMA_DIALECTS);
      }
      checkLocalRefs(schema, "configSchema");
    }
    try {
      return SCHEMAS.getSchema(schema);
    } catch (RuntimeException e) {
      throw new PluginRefusedException(Code.DESCRIPTOR, "configSchema is not a valid JSON Schema: " + firstLine(e.getMessage()));
    }
  }

  /** Schemas must be self-contained: a remote $ref would make the runtime fetch URLs. */
  private static void checkLocalRefs(JsonNode node, String path) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        if ((k.equals("$ref") || k.equals("$dynamicRef") || k.equals("$recursiveRef"))
            && !(e.getValue().isTextual() && e.getValue().asText().startsWith("#"))) {
          throw new PluginRefusedException(Code.DESCRIPTOR, path + "." + k + " '" + e.getValue().asText()
              + "' is not local (only '#...' references are allowed)");
        }
        checkLocalRefs(e.getValue(), path + "." + k);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        checkLocalRefs(node.get(i), path + "[" + i + "]");
      }
    }
  }

  /** Parses {@code configJson}, validates it against {@code schema} (may be null) and converts it. */
  static PluginConfig config(String configJson, JsonSchema schema) {
    JsonNode node;
    try {
      node = JSON.readTree(configJson == null || configJson.isBlank() ? "{}" : configJson);
    } catch (IOException e) {
      throw new PluginRefusedException(Code.CONFIG, "not valid JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new PluginRefusedException(Code.CONFIG, "not a JSON object");
    }
    if (schema != null) {
      Set<ValidationMessage> errors;
      try {
        errors = schema.validate(node);
      } catch (RuntimeException e) {
        throw new PluginRefusedException(Code.CONFIG, "schema validation failed: " + firstLine(e.getMessage()));
      }
      if (!errors.isEmpty()) {
        List<String> msgs = new ArrayList<>();
        for (ValidationMessage m : errors) {
          msgs.add(m.getMessage());
        }
        msgs.sort(null);
        throw new PluginRefusedException(Code.CONFIG, "does not match configSchema: " + String.join("; ", msgs));
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) toValue(node);
    return PluginConfig.of(map);
  }

  /** Canonical JSON text of a config (for comparing configs independent of formatting). */
  static String canonical(String configJson) {
    try {
      JsonNode n = JSON.readTree(configJson == null || configJson.isBlank() ? "{}" : configJson);
      return n == null ? "{}" : JSON.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writeValueAsString(JSON.treeToValue(n, Object.class));
    } catch (IOException e) {
      return configJson;
    }
  }

  private static Object toValue(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> m.put(e.getKey(), toValue(e.getValue())));
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(x -> l.add(toValue(x)));
      return l;
    }
    if (n.isTextual()) {
      return n.asText();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isIntegralNumber()) {
      return n.canConvertToLong() ? n.asLong() : n.decimalValue();
    }
    if (n.isNumber()) {
      return n.decimalValue();
    }
    return null;
  }

  private static String text(JsonNode root, String field, boolean required) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new PluginRefusedException(Code.DESCRIPTOR, field + " missing");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new PluginRefusedException(Code.DESCRIPTOR, field + " is not a string: " + v);
    }
    return v.asText();
  }

  private static String stripCode(PluginException e) {
    String m = e.getMessage();
    String prefix = e.code() + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no detail)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
