package dev.switchboard.sidecar.desired;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Strict parsers for the desired-state values of docs/reference.md §1. Each throws {@link
 * IllegalArgumentException} whose message is the reason shown to operators (the caller adds the
 * key).
 */
public final class Values {
  /** One strict JSON reader for everything the sidecar reads from stores. */
  public static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  private static final Set<String> SCHEMES = Set.of("file", "http", "https");
  private static final int MAX_VERSION_LENGTH = 64;

  private Values() {}

  /** {@code true} or {@code false} (surrounding white space ignored). */
  public static boolean parseEnabled(String text) {
    String t = text.strip();
    if (t.equals("true")) return true;
    if (t.equals("false")) return false;
    throw new IllegalArgumentException("not true or false: '" + abbreviate(t) + "'");
  }

  /** Parses JSON text, naming the syntax problem. */
  public static JsonNode parseJson(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || node.isMissingNode()) throw new IllegalArgumentException("bad JSON: empty value");
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad JSON: " + e.getOriginalMessage());
    }
  }

  /** A JSON object; returned in canonical (compact) form. */
  public static String parseConfig(String text) {
    JsonNode node = parseJson(text);
    if (!node.isObject()) throw new IllegalArgumentException("config must be a JSON object, got " + kind(node));
    return node.toString();
  }

  public static ArtifactRef parseArtifact(String text) {
    return artifact(parseJson(text), "");
  }

  public static Selection parseRollout(String text) {
    JsonNode node = parseJson(text);
    requireObject(node, "rollout");
    onlyFields(node, "", Set.of("percent", "nodes"));
    return selection(node, "");
  }

  public static Canary parseCanary(String text) {
    JsonNode node = parseJson(text);
    requireObject(node, "canary");
    onlyFields(node, "", Set.of("artifact", "percent", "nodes"));
    JsonNode a = node.get("artifact");
    if (a == null || a.isNull()) throw new IllegalArgumentException("field 'artifact' missing");
    return new Canary(artifact(a, "artifact."), selection(node, ""));
  }

  /**
   * {@code {"versions": {"1.0.0": 90, "2.0.0": 10}, "artifact": {…the second version's…}, "hashKey": "x-user",
   * "pin": {"header": "x-deployment-id", "values": {"v2": "2.0.0"}}}}; {@code hashKey} and {@code pin} optional.
   */
  public static Traffic parseTraffic(String text) {
    JsonNode node = parseJson(text);
    requireObject(node, "traffic");
    onlyFields(node, "", Set.of("versions", "artifact", "hashKey", "pin"));
    JsonNode v = node.get("versions");
    if (v == null || v.isNull()) throw new IllegalArgumentException("field 'versions' missing");
    requireObject(v, "field 'versions'");
    java.util.Map<String, Integer> weights = new java.util.LinkedHashMap<>();
    for (Iterator<java.util.Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      java.util.Map.Entry<String, JsonNode> e = it.next();
      requireVersion("versions", e.getKey());
      JsonNode w = e.getValue();
      if (!w.isIntegralNumber() || !w.canConvertToInt() || w.intValue() < 0 || w.intValue() > Traffic.MAX_WEIGHT) {
        throw new IllegalArgumentException("field 'versions." + e.getKey() + "' must be an integer weight 0.." + Traffic.MAX_WEIGHT
            + ", got " + abbreviate(w.toString()));
      }
      weights.put(e.getKey(), w.intValue());
    }
    if (weights.size() != 2) {
      throw new IllegalArgumentException("field 'versions' must name exactly two versions, got " + weights.size() + ": " + weights.keySet());
    }
    if (weights.values().stream().mapToInt(Integer::intValue).sum() == 0) {
      throw new IllegalArgumentException("field 'versions': the weights are all 0");
    }
    JsonNode a = node.get("artifact");
    if (a == null || a.isNull()) throw new IllegalArgumentException("field 'artifact' missing (the second version's jar)");
    ArtifactRef artifact = artifact(a, "artifact.");
    if (artifact.version() == null || !weights.containsKey(artifact.version())) {
      throw new IllegalArgumentException("field 'artifact.version' must be one of the versions " + weights.keySet() + ", got "
          + artifact.versionText());
    }
    String hashKey = text(node, "", "hashKey", false);
    if (hashKey != null) requireAttribute("hashKey", hashKey);
    String header = null;
    java.util.Map<String, String> pins = new java.util.LinkedHashMap<>();
    JsonNode pin = node.get("pin");
    if (pin != null && !pin.isNull()) {
      requireObject(pin, "field 'pin'");
      onlyFields(pin, "pin.", Set.of("header", "values"));
      header = requireAttribute("pin.header", text(pin, "pin.", "header", true));
      JsonNode values = pin.get("values");
      if (values == null || values.isNull()) throw new IllegalArgumentException("field 'pin.values' missing");
      requireObject(values, "field 'pin.values'");
      for (Iterator<java.util.Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
        java.util.Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isTextual() || !weights.containsKey(e.getValue().asText())) {
          throw new IllegalArgumentException("field 'pin.values." + e.getKey() + "' must name one of the versions " + weights.keySet()
              + ", got " + abbreviate(e.getValue().toString()));
        }
        pins.put(e.getKey(), e.getValue().asText());
      }
    }
    return new Traffic(weights, artifact, hashKey, header, pins);
  }

  private static void requireVersion(String field, String version) {
    if (version.isBlank() || version.length() > MAX_VERSION_LENGTH) {
      throw new IllegalArgumentException("field '" + field + "' holds a version of " + version.length() + " characters (1.."
          + MAX_VERSION_LENGTH + ")");
    }
  }

  private static String requireAttribute(String field, String name) {
    if (name.isBlank() || name.length() > 128) {
      throw new IllegalArgumentException("field '" + field + "' must be a name of 1..128 characters, got '" + abbreviate(name) + "'");
    }
    return name;
  }

  static ArtifactRef artifact(JsonNode node, String path) {
    requireObject(node, path.isEmpty() ? "artifact" : path.substring(0, path.length() - 1));
    onlyFields(node, path, Set.of("url", "sha256", "version", "signature"));
    String url = text(node, path, "url", true);
    String sha = text(node, path, "sha256", true);
    String version = text(node, path, "version", false);
    // only its type here: decoding and verification happen before a load, where a bad one is counted and retried
    String signature = text(node, path, "signature", false);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("field '" + path + "url' is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "field '" + path + "url' has unsupported URL scheme '" + scheme + "' (file, http, https only): " + url);
    }
    if (scheme.equals("file") && (uri.getPath() == null || uri.getPath().isEmpty())) {
      throw new IllegalArgumentException("field '" + path + "url' names no file path: " + url);
    }
    if (!scheme.equals("file") && (uri.getHost() == null || uri.getHost().isEmpty())) {
      throw new IllegalArgumentException("field '" + path + "url' names no host: " + url);
    }
    if (!sha.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("field '" + path + "sha256' is not 64 hex digits: '" + abbreviate(sha) + "'");
    }
    if (version != null && (version.isBlank() || version.length() > MAX_VERSION_LENGTH)) {
      throw new IllegalArgumentException("field '" + path + "version' must be 1.." + MAX_VERSION_LENGTH + " characters");
    }
    return new ArtifactRef(url, sha.toLowerCase(Locale.ROOT), version, signature);
  }

  static Selection selection(JsonNode node, String path) {
    JsonNode p = node.get("percent");
    JsonNode n = node.get("nodes");
    boolean hasP = p != null && !p.isNull();
    boolean hasN = n != null && !n.isNull();
    if (hasP == hasN) {
      throw new IllegalArgumentException("exactly one of fields '" + path + "percent', '" + path + "nodes' required");
    }
    if (hasP) {
      if (!p.isIntegralNumber()) {
        throw new IllegalArgumentException("field '" + path + "percent' must be an integer, got " + kind(p));
      }
      if (!p.canConvertToInt() || p.intValue() < 0 || p.intValue() > 100) {
        throw new IllegalArgumentException("field '" + path + "percent' outside 0..100: " + p.asText());
      }
      return Selection.percent(p.intValue());
    }
    if (!n.isArray()) throw new IllegalArgumentException("field '" + path + "nodes' must be an array, got " + kind(n));
    List<String> nodes = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw new IllegalArgumentException("field '" + path + "nodes' must hold strings, got " + kind(e));
      }
      nodes.add(Names.require("node", e.asText()));
    }
    return Selection.nodes(nodes);
  }

  private static void requireObject(JsonNode node, String what) {
    if (!node.isObject()) throw new IllegalArgumentException(what + " must be a JSON object, got " + kind(node));
  }

  private static void onlyFields(JsonNode node, String path, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IllegalArgumentException("unknown field '" + path + f + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  private static String text(JsonNode node, String path, String field, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) throw new IllegalArgumentException("field '" + path + field + "' missing");
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("field '" + path + field + "' must be a string, got " + kind(v));
    }
    return v.asText();
  }

  static String kind(JsonNode n) {
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a number";
      case STRING -> "a string";
      case NULL -> "null";
      default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
