package dev.switchboard.sidecar.config;

import dev.switchboard.sidecar.artifact.ArtifactException;
import dev.switchboard.sidecar.artifact.ArtifactTrust;
import dev.switchboard.store.Keys;
import dev.switchboard.store.config.ConfigKey;
import dev.switchboard.store.config.ConfigLayer;
import dev.switchboard.store.config.ConfigSchema;
import dev.switchboard.store.config.ConfigValues;
import dev.switchboard.store.config.StoreSection;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the agent configuration (docs/reference.md §6) through the shared configuration layer
 * ({@link ConfigLayer}): a YAML file, the environment and flags; flags beat the environment, which
 * beats the file. Every key {@code a.bC} is also the environment variable {@code SWITCHBOARD_A_B_C}
 * and the flag {@code --a-b-c}. Unknown keys in the file, unknown flags and invalid values stop
 * start-up with one message naming each of them. Unknown {@code SWITCHBOARD_*} variables are
 * ignored (other Switchboard tools share the prefix).
 */
public final class ConfigLoader {
  /** The agent's keys: the store section, then its own. */
  public static final ConfigSchema SCHEMA = ConfigSchema.of("agent", StoreSection.keysWith(List.of(
          ConfigKey.string("service"),
          ConfigKey.string("node"),
          ConfigKey.string("prefer"),
          ConfigKey.number("host.pid"),
          ConfigKey.string("host.pidFile"),
          ConfigKey.string("host.match"),
          ConfigKey.list("host.exports"),
          ConfigKey.string("cacheDir"),
          ConfigKey.string("controlDir"),
          ConfigKey.string("http.listen"),
          ConfigKey.string("runtimeJar"),
          ConfigKey.number("artifacts.maxBytes"),
          ConfigKey.list("artifacts.trustedKeys"),
          ConfigKey.bool("artifacts.requireSignature"))))
      .withOneOf("host.pid", "host.pidFile", "host.match");

  /** A package, or a package with its sub-packages ({@code pkg.*}), as the runtime accepts them. */
  private static final Pattern PACKAGE = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*(\\.\\*)?");

  private ConfigLoader() {}

  /** Every key with its environment variable and flag, for help texts. */
  public static String keysHelp() {
    return SCHEMA.help();
  }

  /**
   * Loads and validates. {@code args} are the agent's flags, including {@code --config FILE}
   * (also {@code SWITCHBOARD_CONFIG}).
   *
   * @throws ConfigException naming every problem at once
   */
  public static AgentConfig load(Map<String, String> env, List<String> args) {
    ConfigValues v = ConfigLayer.loadArgs(SCHEMA, env, args);
    StoreSection stores = StoreSection.read(v);
    String service = v.string("service").orElse(null);
    if (service == null) v.problem("service is required (key 'service', SWITCHBOARD_SERVICE, --service)");
    else if (!Keys.isValidName(service)) v.problem("service '" + service + "' is not a valid name (must match " + Keys.NAME.pattern() + ")");

    String node = v.string("node").orElse(null);
    if (node == null) {
      node = defaultNode();
      if (!Keys.isValidName(node)) v.problem("node: the host name '" + node + "' is not a valid node name; set 'node' (must match " + Keys.NAME.pattern() + ")");
    } else if (!Keys.isValidName(node)) {
      v.problem("node '" + node + "' is not a valid name (must match " + Keys.NAME.pattern() + ")");
    }

    List<String> etcd = stores.etcdEndpoints();
    String zk = stores.zookeeperConnect();
    if (etcd == null && zk == null) v.problem("no store configured: set etcd.endpoints and/or zookeeper.connect");
    String prefer = v.string("prefer").orElse(null);
    if (prefer == null) prefer = etcd != null ? "etcd" : "zookeeper";
    else if (!prefer.equals("etcd") && !prefer.equals("zookeeper")) v.problem("prefer must be etcd or zookeeper: '" + prefer + "'");
    else if ((prefer.equals("etcd") && etcd == null) || (prefer.equals("zookeeper") && zk == null)) {
      v.problem("prefer names " + prefer + ", which is not configured");
    }

    Long pid = v.number("host.pid").orElse(null);
    String pidFile = v.string("host.pidFile").orElse(null);
    String match = v.string("host.match").orElse(null);
    int locators = (pid == null ? 0 : 1) + (pidFile == null ? 0 : 1) + (match == null ? 0 : 1);
    if (locators != 1) v.problem("host: exactly one of host.pid, host.pidFile, host.match is required (found " + locators + ")");
    if (pid != null && pid <= 0) v.invalid("host.pid", "must be > 0");
    if (match != null) {
      try {
        Pattern.compile(match);
      } catch (PatternSyntaxException e) {
        v.problem("host.match is not a valid regular expression: " + e.getDescription());
      }
    }
    List<String> exports = v.list("host.exports").orElse(List.of());
    for (String e : exports) if (!PACKAGE.matcher(e).matches()) v.problem("host.exports: not a Java package name (pkg or pkg.*): '" + e + "'");

    ConfigValues.HostPort http = v.hostPort("http.listen", "127.0.0.1:9464");
    long maxBytes = v.number("artifacts.maxBytes").orElse(64L * 1024 * 1024);
    if (maxBytes <= 0) v.invalid("artifacts.maxBytes", "must be > 0");
    ArtifactTrust trust = trust(v);
    v.throwIfProblems(ConfigException::new);
    String tmp = System.getProperty("java.io.tmpdir");
    return new AgentConfig(
        service, node, stores.root(), etcd, zk, prefer, pid,
        pidFile == null ? null : Path.of(pidFile), match, exports,
        Path.of(v.string("cacheDir", Path.of(tmp, "switchboard-cache").toString())),
        Path.of(v.string("controlDir", Path.of(tmp, "switchboard").toString())),
        http.host(), http.port(),
        v.string("runtimeJar").map(Path::of).orElseGet(ConfigLoader::defaultRuntimeJar),
        maxBytes, trust, stores.security());
  }

  /** Loads every trusted key file now, so a bad one stops start-up naming the file (all of them at once). */
  private static ArtifactTrust trust(ConfigValues v) {
    List<String> files = v.list("artifacts.trustedKeys").orElse(List.of());
    boolean require = v.bool("artifacts.requireSignature", false);
    List<ArtifactTrust.TrustedKey> keys = new ArrayList<>();
    int before = v.problems().size();
    for (String f : files) {
      try {
        keys.add(ArtifactTrust.TrustedKey.load(Path.of(f)));
      } catch (ArtifactException e) {
        v.problem("artifacts.trustedKeys: " + e.detail());
      } catch (java.nio.file.InvalidPathException e) {
        v.problem("artifacts.trustedKeys: '" + f + "' is not a file path: " + e.getMessage());
      }
    }
    if (require && files.isEmpty()) {
      v.problem("artifacts.requireSignature is true but artifacts.trustedKeys is empty: no jar could ever be accepted");
    }
    return v.problems().size() == before ? ArtifactTrust.of(keys, require) : ArtifactTrust.none();
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
}
