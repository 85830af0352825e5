package dev.switchboard.bridge.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.bridge.mapping.Mapping;
import dev.switchboard.bridge.merge.Side;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.Keys;
import dev.switchboard.store.ZooKeeperOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code bridge.yaml}, then environment {@code SWITCHBOARD_BRIDGE_*}, then flags (flags beat
 * environment beats file). Unknown keys, unknown {@code SWITCHBOARD_BRIDGE_*} variables and invalid
 * values stop start-up with a {@link ConfigException} naming them.
 */
public final class ConfigLoader {
  /** A simple setting: its YAML path, environment variable and flag. */
  public record Setting(String path, String env, String flag, boolean list) {}

  public static final List<Setting> SETTINGS =
      List.of(
          s("root", false),
          s("id", false),
          s("etcd.endpoints", true),
          s("zookeeper.connect", false),
          s("zookeeper.sessionTimeout", false),
          s("http.listen", false),
          s("conflictWinner", false),
          s("antiEntropyInterval", false),
          s("leaderTtl", false),
          s("maxValueBytes", false),
          s("workers", false));

  private static final Map<String, Set<String>> KNOWN =
      Map.of(
          "", Set.of("root", "id", "etcd", "zookeeper", "http", "conflictWinner", "antiEntropyInterval", "leaderTtl", "maxValueBytes", "workers", "mappings"),
          "etcd", Set.of("endpoints"),
          "zookeeper", Set.of("connect", "sessionTimeout"),
          "http", Set.of("listen"),
          "mappings[]", Set.of("etcd", "zookeeper"));

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private ConfigLoader() {}

  private static Setting s(String path, boolean list) {
    String words = path.replace(".", "_").replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase();
    String flag = "--" + path.replace(".", "-").replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
    return new Setting(path, "SWITCHBOARD_BRIDGE_" + words, flag, list);
  }

  /**
   * @param file the YAML file, or null for none
   * @param env the environment (only {@code SWITCHBOARD_BRIDGE_*} is looked at; {@code
   *     SWITCHBOARD_BRIDGE_CONFIG} names the file)
   * @param flags flag name ({@code --etcd-endpoints}) → value, for the flags given
   */
  public static BridgeConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
    ObjectNode tree;
    if (file != null) {
      try {
        JsonNode n = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        if (n == null || n.isMissingNode() || n.isNull()) {
          tree = JsonNodeFactory.instance.objectNode();
        } else if (!n.isObject()) {
          throw new ConfigException(file + ": the top level must be a mapping");
        } else {
          tree = (ObjectNode) n;
        }
      } catch (IOException e) {
        throw new ConfigException(file + ": cannot read YAML: " + e.getMessage().split("\n")[0]);
      }
    } else {
      tree = JsonNodeFactory.instance.objectNode();
    }
    checkKnown(tree, "", file == null ? "config" : file.toString());
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("SWITCHBOARD_BRIDGE_") || name.equals("SWITCHBOARD_BRIDGE_CONFIG")) {
        continue;
      }
      Setting st = SETTINGS.stream().filter(x -> x.env.equals(name)).findFirst()
          .orElseThrow(() -> new ConfigException("unknown environment variable " + name + " (known: " + envNames() + ")"));
      set(tree, st, e.getValue());
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      Setting st = SETTINGS.stream().filter(x -> x.flag.equals(e.getKey())).findFirst()
          .orElseThrow(() -> new ConfigException("unknown flag " + e.getKey()));
      set(tree, st, e.getValue());
    }
    return build(tree);
  }

  private static String envNames() {
    List<String> l = new ArrayList<>();
    SETTINGS.forEach(s -> l.add(s.env));
    return String.join(", ", l);
  }

  private static void checkKnown(JsonNode n, String at, String where) {
    Set<String> allowed = KNOWN.get(at);
    Iterator<String> it = n.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      String path = at.isEmpty() ? f : at + "." + f;
      if (!allowed.contains(f)) {
        throw new ConfigException(where + ": unknown key \"" + path.replace("[]", "[i]") + "\" (allowed here: " + new java.util.TreeSet<>(allowed) + ")");
      }
      JsonNode c = n.get(f);
      if (KNOWN.containsKey(path)) {
        if (!c.isObject()) {
          throw new ConfigException(where + ": \"" + path + "\" must be a mapping");
        }
        checkKnown(c, path, where);
      }
      if (path.equals("mappings")) {
        if (!c.isArray()) {
          throw new ConfigException(where + ": \"mappings\" must be a list");
        }
        for (JsonNode m : c) {
          if (!m.isObject()) {
            throw new ConfigException(where + ": each of \"mappings\" must be a mapping with etcd and zookeeper");
          }
          checkKnown(m, "mappings[]", where);
        }
      }
    }
  }

  private static void set(ObjectNode tree, Setting st, String value) {
    String[] parts = st.path.split("\\.");
    ObjectNode n = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode c = n.get(parts[i]);
      if (!(c instanceof ObjectNode)) {
        c = n.putObject(parts[i]);
      }
      n = (ObjectNode) c;
    }
    String leaf = parts[parts.length - 1];
    if (st.list) {
      ArrayNode a = n.putArray(leaf);
      for (String v : value.split(",")) {
        if (!v.isBlank()) {
          a.add(v.trim());
        }
      }
    } else {
      n.put(leaf, value);
    }
  }

  private static String text(JsonNode tree, String path, String dflt) {
    JsonNode n = tree;
    for (String p : path.split("\\.")) {
      n = n == null ? null : n.get(p);
    }
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isValueNode()) {
      throw new ConfigException("\"" + path + "\" must be a single value, got " + n);
    }
    return n.asText();
  }

  public static Duration duration(String key, String v) {
    Matcher m = DURATION.matcher(v.trim());
    if (!m.matches()) {
      throw new ConfigException("\"" + key + "\" is not a duration like 500ms, 10s, 2m: \"" + v + "\"");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
    if (d.isZero()) {
      throw new ConfigException("\"" + key + "\" must be > 0: \"" + v + "\"");
    }
    return d;
  }

  private static int integer(String key, String v, int min, int max) {
    try {
      int i = Integer.parseInt(v.trim());
      if (i < min || i > max) {
        throw new ConfigException("\"" + key + "\" out of " + min + ".." + max + ": " + i);
      }
      return i;
    } catch (NumberFormatException e) {
      throw new ConfigException("\"" + key + "\" is not a number: \"" + v + "\"");
    }
  }

  private static BridgeConfig build(JsonNode t) {
    String root = text(t, "root", "/switchboard");
    if (!Keys.isValidPath(root)) {
      throw new ConfigException("\"root\" is not a valid path: " + Keys.pathProblem(root).orElse(root));
    }
    String id = text(t, "id", defaultId());
    List<String> endpoints = new ArrayList<>();
    JsonNode eps = t.path("etcd").path("endpoints");
    if (eps.isArray()) {
      eps.forEach(x -> endpoints.add(x.asText()));
    } else if (eps.isTextual()) {
      for (String s : eps.asText().split(",")) {
        endpoints.add(s.trim());
      }
    }
    if (endpoints.isEmpty()) {
      throw new ConfigException("\"etcd.endpoints\" is required (a bridge needs both stores)");
    }
    try {
      EtcdOptions.builder().endpoints(endpoints).build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("\"etcd.endpoints\": " + e.getMessage());
    }
    String zk = text(t, "zookeeper.connect", null);
    if (zk == null) {
      throw new ConfigException("\"zookeeper.connect\" is required (a bridge needs both stores)");
    }
    Duration session = duration("zookeeper.sessionTimeout", text(t, "zookeeper.sessionTimeout", "10s"));
    try {
      ZooKeeperOptions.builder(zk).sessionTimeout(session).build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("\"zookeeper.connect\": " + e.getMessage());
    }
    String listen = text(t, "http.listen", "127.0.0.1:9465");
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      throw new ConfigException("\"http.listen\" is not host:port: \"" + listen + "\"");
    }
    int port = integer("http.listen", listen.substring(colon + 1), 0, 65535);
    Side winner;
    try {
      winner = Side.parse(text(t, "conflictWinner", "etcd"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("\"conflictWinner\": " + e.getMessage());
    }
    Duration ae = duration("antiEntropyInterval", text(t, "antiEntropyInterval", "30s"));
    Duration ttl = duration("leaderTtl", text(t, "leaderTtl", "10s"));
    if (ttl.toSeconds() < 2) {
      throw new ConfigException("\"leaderTtl\" must be at least 2s: " + ttl);
    }
    int max = integer("maxValueBytes", text(t, "maxValueBytes", String.valueOf(EtcdOptions.DEFAULT_MAX_VALUE_BYTES)), 1, ZooKeeperOptions.ZOOKEEPER_LIMIT_BYTES);
    int workers = integer("workers", text(t, "workers", "16"), 1, 64);
    List<Mapping> mappings = new ArrayList<>();
    int i = 0;
    for (JsonNode m : t.path("mappings")) {
      String e = m.path("etcd").asText(null);
      String z = m.path("zookeeper").asText(null);
      if (e == null || z == null) {
        throw new ConfigException("\"mappings[" + i + "]\" needs both etcd and zookeeper");
      }
      try {
        mappings.add(Mapping.of(e, z));
      } catch (IllegalArgumentException ex) {
        throw new ConfigException("\"mappings[" + i + "]\": " + ex.getMessage());
      }
      i++;
    }
    BridgeConfig c = new BridgeConfig(root, id, endpoints, zk, session, listen.substring(0, colon), port, winner, ae, ttl, max, workers, mappings);
    try {
      new dev.switchboard.bridge.mapping.Mappings(root, mappings, c.bridgePrefix());
    } catch (IllegalArgumentException ex) {
      throw new ConfigException("\"mappings\": " + ex.getMessage());
    }
    return c;
  }

  private static String defaultId() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "bridge";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  /** The environment variables and flags, for help texts. */
  public static Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    SETTINGS.forEach(s -> m.put(s.path, s.env + " / " + s.flag));
    return m;
  }
}
