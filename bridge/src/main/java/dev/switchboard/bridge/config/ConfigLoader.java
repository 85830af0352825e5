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

  private static List<Setting> settings() {
    List<Setting> l = new ArrayList<>(BASE_SETTINGS);
    dev.switchboard.store.StoreSecurity.STRING_KEYS.forEach(k -> l.add(s(k, false)));
    dev.switchboard.store.StoreSecurity.LIST_KEYS.forEach(k -> l.add(s(k, true)));
    return List.copyOf(l);
  }

  private static final List<Setting> BASE_SETTINGS =
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

  public static final List<Setting> SETTINGS = settings();

  private static final Map<String, Set<String>> KNOWN =
      Map.of(
          "", Set.of("root", "id", "etcd", "zookeeper", "http", "conflictWinner", "antiEntropyInterval", "leaderTtl", "maxValueBytes", "workers", "mappings"),
          "etcd", Set.of("endpoints", "tls", "user", "passwordFile", "authority"),
          "etcd.tls", Set.of("ca", "cert", "key"),
          "zookeeper", Set.of("connect", "sessionTimeout", "tls", "sasl", "digest", "acl"),
          "zookeeper.tls", Set.of("ca", "cert", "key"),
          "zookeeper.sasl", Set.of("user", "passwordFile"),
          "zookeeper.digest", Set.of("user", "passwordFile"),
          "http", Set.of("listen"),
          "mappings[]", Set.of("etcd", "zookeeper"));

  /** Passwords come from these variables only (never YAML or flags). */
  private static final Set<String> PASSWORD_ENV =
      Set.of("SWITCHBOARD_BRIDGE_ETCD_PASSWORD", "SWITCHBOARD_BRIDGE_ZOOKEEPER_SASL_PASSWORD", "SWITCHBOARD_BRIDGE_ZOOKEEPER_DIGEST_PASSWORD");

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
    List<String> problems = new ArrayList<>();
    checkKnown(tree, "", file == null ? "config" : file.toString(), problems);
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("SWITCHBOARD_BRIDGE_") || name.equals("SWITCHBOARD_BRIDGE_CONFIG") || PASSWORD_ENV.contains(name)) {
        continue;
      }
      Setting st = SETTINGS.stream().filter(x -> x.env.equals(name)).findFirst().orElse(null);
      if (st == null) {
        problems.add("unknown environment variable " + name + " (known: " + envNames() + ")");
      } else {
        set(tree, st, e.getValue());
      }
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      Setting st = SETTINGS.stream().filter(x -> x.flag.equals(e.getKey())).findFirst().orElse(null);
      if (st == null) {
        problems.add("unknown flag " + e.getKey());
      } else {
        set(tree, st, e.getValue());
      }
    }
    return build(tree, env, problems);
  }

  private static String envNames() {
    List<String> l = new ArrayList<>();
    SETTINGS.forEach(s -> l.add(s.env));
    return String.join(", ", l);
  }

  private static void checkKnown(JsonNode n, String at, String where, List<String> problems) {
    Set<String> allowed = KNOWN.get(at);
    Iterator<String> it = n.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      String path = at.isEmpty() ? f : at + "." + f;
      if (!allowed.contains(f)) {
        problems.add(where + ": unknown key \"" + path.replace("[]", "[i]") + "\" (allowed here: " + new java.util.TreeSet<>(allowed) + ")");
        continue;
      }
      JsonNode c = n.get(f);
      if (KNOWN.containsKey(path)) {
        if (!c.isObject()) {
          problems.add(where + ": \"" + path + "\" must be a mapping");
          continue;
        }
        checkKnown(c, path, where, problems);
      }
      if (path.equals("mappings")) {
        if (!c.isArray()) {
          problems.add(where + ": \"mappings\" must be a list");
          continue;
        }
        for (JsonNode m : c) {
          if (!m.isObject()) {
            problems.add(where + ": each of \"mappings\" must be a mapping with etcd and zookeeper");
            continue;
          }
          checkKnown(m, "mappings[]", where, problems);
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

  /** Runs one check; its ConfigException becomes a problem in the list (every problem is reported at once). */
  private static <T> T check(List<String> problems, java.util.function.Supplier<T> body, T fallback) {
    try {
      return body.get();
    } catch (ConfigException e) {
      problems.addAll(e.problems());
      return fallback;
    }
  }

  private static BridgeConfig build(JsonNode t, Map<String, String> env, List<String> problems) {
    BridgeConfig c = check(problems, () -> buildOrThrowFirst(t, problems), null);
    Map<String, Object> flat = new LinkedHashMap<>();
    for (String k : dev.switchboard.store.StoreSecurity.STRING_KEYS) {
      String v = check(problems, () -> text(t, k, null), null);
      if (v != null) {
        flat.put(k, v);
      }
    }
    for (String k : dev.switchboard.store.StoreSecurity.LIST_KEYS) {
      JsonNode n = t;
      for (String part : k.split("\\.")) {
        n = n == null ? null : n.get(part);
      }
      if (n != null && n.isArray()) {
        List<String> l = new ArrayList<>();
        n.forEach(x -> l.add(x.asText()));
        flat.put(k, l);
      } else if (n != null && !n.isNull()) {
        flat.put(k, n.asText());
      }
    }
    dev.switchboard.store.StoreSecurity security = dev.switchboard.store.StoreSecurity.parse(flat, env::get, "SWITCHBOARD_BRIDGE_", problems);
    if (!problems.isEmpty() || c == null) {
      throw new ConfigException(problems.isEmpty() ? List.of("invalid configuration") : problems);
    }
    return c.withSecurity(security);
  }

  private static BridgeConfig buildOrThrowFirst(JsonNode t, List<String> problems) {
    String root0 = check(problems, () -> text(t, "root", "/switchboard"), "/switchboard");
    // same rule as the agent: one trailing '/' is dropped ("/switchboard/" is "/switchboard")
    String root = root0.length() > 1 && root0.endsWith("/") ? root0.substring(0, root0.length() - 1) : root0;
    if (!Keys.isValidPath(root)) {
      problems.add("\"root\" is not a valid path: " + Keys.pathProblem(root).orElse(root));
    }
    String id = check(problems, () -> text(t, "id", defaultId()), "bridge");
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
      problems.add("\"etcd.endpoints\" is required (a bridge needs both stores)");
    } else {
      try {
        EtcdOptions.builder().endpoints(endpoints).build();
      } catch (IllegalArgumentException e) {
        problems.add("\"etcd.endpoints\": " + e.getMessage());
      }
    }
    String zk = check(problems, () -> text(t, "zookeeper.connect", null), null);
    if (zk == null) {
      problems.add("\"zookeeper.connect\" is required (a bridge needs both stores)");
    }
    Duration session = check(problems, () -> duration("zookeeper.sessionTimeout", text(t, "zookeeper.sessionTimeout", "10s")), Duration.ofSeconds(10));
    if (zk != null) {
      try {
        ZooKeeperOptions.builder(zk).sessionTimeout(session).build();
      } catch (IllegalArgumentException e) {
        problems.add("\"zookeeper.connect\": " + e.getMessage());
      }
    }
    String listen = check(problems, () -> text(t, "http.listen", "127.0.0.1:9465"), "127.0.0.1:9465");
    int colon = listen.lastIndexOf(':');
    int port = 0;
    if (colon <= 0) {
      problems.add("\"http.listen\" is not host:port: \"" + listen + "\"");
    } else {
      port = check(problems, () -> integer("http.listen", listen.substring(colon + 1), 0, 65535), 0);
    }
    Side winner = Side.ETCD;
    try {
      winner = Side.parse(check(problems, () -> text(t, "conflictWinner", "etcd"), "etcd"));
    } catch (IllegalArgumentException e) {
      problems.add("\"conflictWinner\": " + e.getMessage());
    }
    Duration ae = check(problems, () -> duration("antiEntropyInterval", text(t, "antiEntropyInterval", "30s")), Duration.ofSeconds(30));
    Duration ttl = check(problems, () -> duration("leaderTtl", text(t, "leaderTtl", "10s")), Duration.ofSeconds(10));
    if (ttl.toSeconds() < 2) {
      problems.add("\"leaderTtl\" must be at least 2s: " + ttl);
    }
    int max = check(problems, () -> integer("maxValueBytes", text(t, "maxValueBytes", String.valueOf(EtcdOptions.DEFAULT_MAX_VALUE_BYTES)), 1, ZooKeeperOptions.ZOOKEEPER_LIMIT_BYTES), EtcdOptions.DEFAULT_MAX_VALUE_BYTES);
    int workers = check(problems, () -> integer("workers", text(t, "workers", "16"), 1, 64), 16);
    List<Mapping> mappings = new ArrayList<>();
    int i = 0;
    for (JsonNode m : t.path("mappings")) {
      String e = m.path("etcd").asText(null);
      String z = m.path("zookeeper").asText(null);
      if (e == null || z == null) {
        problems.add("\"mappings[" + i + "]\" needs both etcd and zookeeper");
      } else {
        try {
          mappings.add(Mapping.of(e, z));
        } catch (IllegalArgumentException ex) {
          problems.add("\"mappings[" + i + "]\": " + ex.getMessage());
        }
      }
      i++;
    }
    if (!problems.isEmpty()) {
      return null;
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
