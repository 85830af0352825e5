package dev.switchboard.sidecar.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.switchboard.sidecar.artifact.ArtifactException;
import dev.switchboard.sidecar.artifact.ArtifactTrust;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.Keys;
import dev.switchboard.store.ZooKeeperOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the agent configuration (docs/reference.md §6) from a YAML file, the environment and flags; flags
 * beat the environment, which beats the file. Every key {@code a.bC} is also the environment
 * variable {@code SWITCHBOARD_A_B_C} and the flag {@code --a-b-c}. Unknown keys in the file,
 * unknown flags and invalid values stop start-up with a message naming each of them. Unknown
 * {@code SWITCHBOARD_*} variables are ignored (other Switchboard tools share the prefix).
 */
public final class ConfigLoader {
  enum Type { STRING, LIST, LONG, BOOLEAN }

  record Key(String path, Type type) {
    String env() {
      return "SWITCHBOARD_" + words(path).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    String envAlias() {
      return "SWITCHBOARD_" + path.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    String flag() {
      return "--" + words(path);
    }

    String flagAlias() {
      return "--" + path.replace('.', '-').toLowerCase(Locale.ROOT);
    }

    private static String words(String path) {
      return path.replace('.', '-').replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
  }


  private static List<Key> keys() {
    List<Key> l = new ArrayList<>(BASE_KEYS);
    dev.switchboard.store.StoreSecurity.STRING_KEYS.forEach(k -> l.add(new Key(k, Type.STRING)));
    dev.switchboard.store.StoreSecurity.LIST_KEYS.forEach(k -> l.add(new Key(k, Type.LIST)));
    return List.copyOf(l);
  }

  private static final List<Key> BASE_KEYS = List.of(
      new Key("service", Type.STRING),
      new Key("node", Type.STRING),
      new Key("root", Type.STRING),
      new Key("etcd.endpoints", Type.LIST),
      new Key("zookeeper.connect", Type.STRING),
      new Key("prefer", Type.STRING),
      new Key("host.pid", Type.LONG),
      new Key("host.pidFile", Type.STRING),
      new Key("host.match", Type.STRING),
      new Key("host.exports", Type.LIST),
      new Key("cacheDir", Type.STRING),
      new Key("controlDir", Type.STRING),
      new Key("http.listen", Type.STRING),
      new Key("runtimeJar", Type.STRING),
      new Key("artifacts.maxBytes", Type.LONG),
      new Key("artifacts.trustedKeys", Type.LIST),
      new Key("artifacts.requireSignature", Type.BOOLEAN));
  static final List<Key> KEYS = keys();
  private static final Set<String> LOCATOR = Set.of("host.pid", "host.pidFile", "host.match");
  private static final Pattern PACKAGE = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*");

  private ConfigLoader() {}

  /** Every key with its environment variable and flag, for help texts. */
  public static String keysHelp() {
    StringBuilder b = new StringBuilder();
    for (Key k : KEYS) b.append(String.format("  %-20s %-30s %s%n", k.path(), k.env(), k.flag()));
    return b.toString();
  }

  /**
   * Loads and validates. {@code args} are the agent's flags, including {@code --config FILE}
   * (also {@code SWITCHBOARD_CONFIG}).
   */
  public static AgentConfig load(Map<String, String> env, List<String> args) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> flags = new LinkedHashMap<>();
    String configFile = parseFlags(args, flags, problems);
    if (configFile == null) configFile = blankToNull(env.get("SWITCHBOARD_CONFIG"));
    Map<String, Object> file = new LinkedHashMap<>();
    if (configFile != null) readFile(Path.of(configFile), file, problems);
    Map<String, Object> fromEnv = new LinkedHashMap<>();
    for (Key k : KEYS) {
      String v = blankToNull(env.get(k.env()));
      String name = k.env();
      if (v == null) {
        v = blankToNull(env.get(k.envAlias()));
        name = k.envAlias();
      }
      if (v != null) convertText(k, v, "environment " + name, fromEnv, problems);
    }
    Map<String, Object> merged = new LinkedHashMap<>();
    for (Map<String, Object> layer : List.of(file, fromEnv, flags)) {
      if (layer.keySet().stream().anyMatch(LOCATOR::contains)) LOCATOR.forEach(merged::remove);
      merged.putAll(layer);
    }
    if (!problems.isEmpty()) throw new ConfigException(problems);
    return validate(merged, env, problems);
  }

  private static String parseFlags(List<String> args, Map<String, Object> out, List<String> problems) {
    String config = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
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
      if (name.equals("--config")) {
        config = value;
        continue;
      }
      Key key = null;
      for (Key k : KEYS) if (k.flag().equals(name) || k.flagAlias().equals(name)) key = k;
      if (key == null) {
        problems.add("unknown flag " + name + " (known: --config, " + String.join(", ", KEYS.stream().map(Key::flag).toList()) + ")");
        continue;
      }
      convertText(key, value, "flag " + name, out, problems);
    }
    return config;
  }

  private static void readFile(Path path, Map<String, Object> out, List<String> problems) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(Files.readString(path));
    } catch (IOException e) {
      problems.add("cannot read config file " + path + ": " + e.getMessage());
      return;
    }
    if (root == null || root.isNull() || root.isMissingNode()) return;
    if (!root.isObject()) {
      problems.add("config file " + path + " must hold a YAML mapping at the top");
      return;
    }
    walk(root, "", path, out, problems);
  }

  private static void walk(JsonNode node, String prefix, Path file, Map<String, Object> out, List<String> problems) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = prefix + e.getKey();
      Key key = KEYS.stream().filter(k -> k.path().equals(path)).findFirst().orElse(null);
      String where = "config file " + file + ": key '" + path + "'";
      if (key != null) {
        convertNode(key, e.getValue(), where, out, problems);
      } else if (KEYS.stream().anyMatch(k -> k.path().startsWith(path + "."))) {
        JsonNode v = e.getValue();
        if (v.isNull()) continue; // an empty block: same as omitted
        if (!v.isObject()) problems.add(where + " must be a mapping");
        else walk(v, path + ".", file, out, problems);
      } else {
        problems.add(where + " is unknown (known keys: " + String.join(", ", KEYS.stream().map(Key::path).toList()) + ")");
      }
    }
  }

  private static void convertNode(Key k, JsonNode v, String where, Map<String, Object> out, List<String> problems) {
    if (v.isNull()) return;
    if (k.type() == Type.LIST && v.isArray()) {
      List<String> list = new ArrayList<>();
      for (JsonNode e : v) {
        if (!e.isValueNode() || e.isNull()) {
          problems.add(where + " must be a list of strings");
          return;
        }
        list.add(e.asText().strip());
      }
      out.put(k.path(), list);
      return;
    }
    if (!v.isValueNode()) {
      problems.add(where + " must be " + (k.type() == Type.LIST ? "a list" : "a single value") + ", not a " + (v.isArray() ? "list" : "mapping"));
      return;
    }
    if (k.type() == Type.LONG && v.isNumber() && !v.isIntegralNumber()) {
      problems.add(where + " must be a whole number: " + v.asText());
      return;
    }
    convertText(k, v.asText(), where, out, problems);
  }

  private static void convertText(Key k, String v, String where, Map<String, Object> out, List<String> problems) {
    switch (k.type()) {
      case STRING -> out.put(k.path(), v.strip());
      case LIST -> {
        List<String> list = new ArrayList<>();
        for (String s : v.split(",")) if (!s.isBlank()) list.add(s.strip());
        out.put(k.path(), list);
      }
      case LONG -> {
        try {
          out.put(k.path(), Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
          problems.add(where + " is not a whole number: '" + v + "'");
        }
      }
      case BOOLEAN -> {
        String t = v.strip().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) out.put(k.path(), Boolean.valueOf(t));
        else problems.add(where + " is not true or false: '" + v + "'");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static AgentConfig validate(Map<String, Object> m, Map<String, String> env, List<String> problems) {
    String service = (String) m.get("service");
    if (service == null) problems.add("service is required (key 'service', SWITCHBOARD_SERVICE, --service)");
    else if (!Keys.isValidName(service)) problems.add("service '" + service + "' is not a valid name (must match " + Keys.NAME.pattern() + ")");

    String node = (String) m.get("node");
    if (node == null) {
      node = defaultNode();
      if (!Keys.isValidName(node)) problems.add("node: the host name '" + node + "' is not a valid node name; set 'node' (must match " + Keys.NAME.pattern() + ")");
    } else if (!Keys.isValidName(node)) {
      problems.add("node '" + node + "' is not a valid name (must match " + Keys.NAME.pattern() + ")");
    }

    String root = (String) m.getOrDefault("root", "/switchboard");
    if (root.length() > 1 && root.endsWith("/")) root = root.substring(0, root.length() - 1);
    Keys.pathProblem(root).ifPresent(p -> problems.add("root: " + p));

    List<String> etcd = (List<String>) m.get("etcd.endpoints");
    if (etcd != null) {
      try {
        EtcdOptions.builder().endpoints(etcd).build();
      } catch (IllegalArgumentException e) {
        problems.add("etcd.endpoints: " + e.getMessage());
      }
    }
    String zk = (String) m.get("zookeeper.connect");
    if (zk != null) {
      try {
        ZooKeeperOptions.builder(zk).build();
      } catch (IllegalArgumentException e) {
        problems.add("zookeeper.connect: " + e.getMessage());
      }
    }
    if (etcd == null && zk == null) problems.add("no store configured: set etcd.endpoints and/or zookeeper.connect");
    String prefer = (String) m.get("prefer");
    if (prefer == null) prefer = etcd != null ? "etcd" : "zookeeper";
    else if (!prefer.equals("etcd") && !prefer.equals("zookeeper")) problems.add("prefer must be etcd or zookeeper: '" + prefer + "'");
    else if ((prefer.equals("etcd") && etcd == null) || (prefer.equals("zookeeper") && zk == null)) {
      problems.add("prefer names " + prefer + ", which is not configured");
    }

    Long pid = (Long) m.get("host.pid");
    String pidFile = (String) m.get("host.pidFile");
    String match = (String) m.get("host.match");
    int locators = (pid == null ? 0 : 1) + (pidFile == null ? 0 : 1) + (match == null ? 0 : 1);
    if (locators != 1) problems.add("host: exactly one of host.pid, host.pidFile, host.match is required (found " + locators + ")");
    if (pid != null && pid <= 0) problems.add("host.pid must be > 0: " + pid);
    if (match != null) {
      try {
        Pattern.compile(match);
      } catch (PatternSyntaxException e) {
        problems.add("host.match is not a valid regular expression: " + e.getDescription());
      }
    }
    List<String> exports = (List<String>) m.getOrDefault("host.exports", List.of());
    for (String e : exports) if (!PACKAGE.matcher(e).matches()) problems.add("host.exports: not a Java package name: '" + e + "'");

    String listen = (String) m.getOrDefault("http.listen", "127.0.0.1:9464");
    String httpHost = null;
    int httpPort = -1;
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) problems.add("http.listen must be host:port: '" + listen + "'");
    else {
      httpHost = listen.substring(0, colon);
      try {
        httpPort = Integer.parseInt(listen.substring(colon + 1));
        if (httpPort < 0 || httpPort > 65535) problems.add("http.listen port outside 0..65535: " + httpPort);
      } catch (NumberFormatException e) {
        problems.add("http.listen port is not a number: '" + listen + "'");
      }
    }
    long maxBytes = (Long) m.getOrDefault("artifacts.maxBytes", 64L * 1024 * 1024);
    if (maxBytes <= 0) problems.add("artifacts.maxBytes must be > 0: " + maxBytes);
    ArtifactTrust trust = trust(m, problems);

    dev.switchboard.store.StoreSecurity security = dev.switchboard.store.StoreSecurity.parse(m, env::get, "SWITCHBOARD_", problems);
    if (etcd == null && security.etcdTls() != null) problems.add("etcd.tls is set but etcd.endpoints is not");
    if (etcd != null && security.etcdTls() != null && etcd.stream().anyMatch(e -> e.startsWith("http://"))) {
      problems.add("etcd.tls is set but etcd.endpoints are http://: " + etcd + " (use https://)");
    }
    if (!problems.isEmpty()) throw new ConfigException(problems);
    String tmp = System.getProperty("java.io.tmpdir");
    return new AgentConfig(
        service, node, root, etcd, zk, prefer, pid,
        pidFile == null ? null : Path.of(pidFile), match, exports,
        Path.of((String) m.getOrDefault("cacheDir", Path.of(tmp, "switchboard-cache").toString())),
        Path.of((String) m.getOrDefault("controlDir", Path.of(tmp, "switchboard").toString())),
        httpHost, httpPort,
        m.containsKey("runtimeJar") ? Path.of((String) m.get("runtimeJar")) : defaultRuntimeJar(),
        maxBytes, trust, security);
  }

  /** Loads every trusted key file now, so a bad one stops start-up naming the file (all of them at once). */
  @SuppressWarnings("unchecked")
  private static ArtifactTrust trust(Map<String, Object> m, List<String> problems) {
    List<String> files = (List<String>) m.getOrDefault("artifacts.trustedKeys", List.of());
    boolean require = (Boolean) m.getOrDefault("artifacts.requireSignature", Boolean.FALSE);
    List<ArtifactTrust.TrustedKey> keys = new ArrayList<>();
    for (String f : files) {
      try {
        keys.add(ArtifactTrust.TrustedKey.load(Path.of(f)));
      } catch (ArtifactException e) {
        problems.add("artifacts.trustedKeys: " + e.detail());
      } catch (java.nio.file.InvalidPathException e) {
        problems.add("artifacts.trustedKeys: '" + f + "' is not a file path: " + e.getMessage());
      }
    }
    if (require && files.isEmpty()) {
      problems.add("artifacts.requireSignature is true but artifacts.trustedKeys is empty: no jar could ever be accepted");
    }
    return problems.isEmpty() ? ArtifactTrust.of(keys, require) : ArtifactTrust.none();
  }

  private static String defaultNode() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) {
      try {
        h = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        h = "localhost";
      }
    }
    return h.toLowerCase(Locale.ROOT);
  }

  /** {@code switchboard-runtime.jar} beside the jar this class was loaded from, else {@code dist/}. */
  static Path defaultRuntimeJar() {
    try {
      Path self = Path.of(ConfigLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(self)) return self.resolveSibling("switchboard-runtime.jar");
    } catch (Exception e) {
      // fall through to the conventional location
    }
    return Path.of("dist", "switchboard-runtime.jar");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
