package dev.switchboard.store.config;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.Keys;
import dev.switchboard.store.StoreSecurity;
import dev.switchboard.store.ZooKeeperOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The store-connection section every process reads the same way (agent, bridge, {@code ctl}, the
 * demo's generated files): {@code root}, {@code etcd.endpoints}, {@code zookeeper.connect} and the
 * {@link StoreSecurity} keys.
 *
 * @param root the key root without a trailing {@code /} ({@code /switchboard} by default)
 * @param etcdEndpoints null when etcd is not configured
 * @param zookeeperConnect null when ZooKeeper is not configured
 * @param security TLS, users, passwords (their sources) and ACLs
 */
public record StoreSection(String root, List<String> etcdEndpoints, String zookeeperConnect, StoreSecurity security) {
  public static final String DEFAULT_ROOT = "/switchboard";

  /** The keys of the section, in documentation order. */
  public static final List<ConfigKey> KEYS = keys();

  public StoreSection {
    etcdEndpoints = etcdEndpoints == null ? null : List.copyOf(etcdEndpoints);
  }

  private static List<ConfigKey> keys() {
    List<ConfigKey> l = new ArrayList<>(List.of(ConfigKey.string("root"), ConfigKey.list("etcd.endpoints"), ConfigKey.string("zookeeper.connect")));
    StoreSecurity.STRING_KEYS.forEach(k -> l.add(ConfigKey.string(k)));
    StoreSecurity.LIST_KEYS.forEach(k -> l.add(ConfigKey.list(k)));
    return List.copyOf(l);
  }

  /** {@link #KEYS} followed by {@code more}. */
  public static List<ConfigKey> keysWith(List<ConfigKey> more) {
    List<ConfigKey> l = new ArrayList<>(KEYS);
    l.addAll(more);
    return List.copyOf(l);
  }

  /**
   * Reads and checks the section; problems go to {@code v}. Passwords come from {@code
   * SWITCHBOARD_ETCD_PASSWORD}, {@code SWITCHBOARD_ZOOKEEPER_SASL_PASSWORD}, {@code
   * SWITCHBOARD_ZOOKEEPER_DIGEST_PASSWORD} when no password file is set (or the same names under
   * the schema's deprecated prefix, with a warning).
   */
  public static StoreSection read(ConfigValues v) {
    String root = v.string("root", DEFAULT_ROOT);
    if (root.length() > 1 && root.endsWith("/")) root = root.substring(0, root.length() - 1);
    Keys.pathProblem(root).ifPresent(p -> v.invalid("root", "is not a valid key path: " + p));

    List<String> etcd = v.list("etcd.endpoints").filter(l -> !l.isEmpty()).orElse(null);
    if (etcd != null) {
      try {
        EtcdOptions.builder().endpoints(etcd).build();
      } catch (IllegalArgumentException e) {
        v.invalid("etcd.endpoints", "is not usable: " + e.getMessage());
      }
    }
    String zk = v.string("zookeeper.connect").orElse(null);
    if (zk != null) {
      try {
        ZooKeeperOptions.builder(zk).build();
      } catch (IllegalArgumentException e) {
        v.invalid("zookeeper.connect", "is not usable: " + e.getMessage());
      }
    }
    List<String> problems = new ArrayList<>();
    StoreSecurity security = StoreSecurity.parse(v.asMap(), passwordEnv(v), ConfigKey.ENV_PREFIX, problems);
    problems.forEach(v::problem);
    if (etcd == null && security.etcdTls() != null) v.problem("etcd.tls is set but etcd.endpoints is not");
    if (etcd != null && security.etcdTls() != null && etcd.stream().anyMatch(e -> e.startsWith("http://"))) {
      v.invalid("etcd.endpoints", "are http:// but etcd.tls is set (use https://)");
    }
    return new StoreSection(root, etcd, zk, security);
  }

  /** The environment, where a password variable falls back to its deprecated name (with a warning). */
  private static Function<String, String> passwordEnv(ConfigValues v) {
    String legacy = v.schema().legacyEnvPrefix().orElse(null);
    Function<String, String> env = v.env();
    if (legacy == null) return env;
    return name -> {
      String now = env.apply(name);
      if ((now == null || now.isEmpty()) && name.startsWith(ConfigKey.ENV_PREFIX)) {
        String old = legacy + name.substring(ConfigKey.ENV_PREFIX.length());
        String was = env.apply(old);
        if (was != null && !was.isEmpty()) {
          Deprecations.warn(old, name);
          return was;
        }
      }
      return now;
    };
  }
}
