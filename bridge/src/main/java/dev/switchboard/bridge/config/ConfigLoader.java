package dev.switchboard.bridge.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.bridge.mapping.Mapping;
import dev.switchboard.bridge.mapping.Mappings;
import dev.switchboard.bridge.merge.Side;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.store.config.ConfigKey;
import dev.switchboard.store.config.ConfigLayer;
import dev.switchboard.store.config.ConfigSchema;
import dev.switchboard.store.config.ConfigValues;
import dev.switchboard.store.config.StoreSection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code bridge.yaml} through the shared configuration layer ({@link ConfigLayer}), the same
 * way the agent reads its file: flags beat the environment, which beats the file; key {@code a.bC}
 * is {@code SWITCHBOARD_A_B_C} and {@code --a-b-c}. The old {@code SWITCHBOARD_BRIDGE_*} variables
 * still work and log a deprecation warning. Every problem stops start-up in one {@link
 * ConfigException} naming each key and value.
 */
public final class ConfigLoader {
  /** The bridge's keys: the store section, then its own; {@code mappings} is set in the file only. */
  public static final ConfigSchema SCHEMA = ConfigSchema.of("bridge", StoreSection.keysWith(List.of(
          ConfigKey.string("id"),
          ConfigKey.duration("zookeeper.sessionTimeout"),
          ConfigKey.string("http.listen"),
          ConfigKey.string("conflictWinner"),
          ConfigKey.duration("antiEntropyInterval"),
          ConfigKey.duration("leaderTtl"),
          ConfigKey.number("maxValueBytes"),
          ConfigKey.number("workers"))))
      .withFileOnly("mappings")
      .withLegacyEnvPrefix("SWITCHBOARD_BRIDGE_");

  private ConfigLoader() {}

  /**
   * @param file the YAML file, or null: then {@code SWITCHBOARD_CONFIG} (or the deprecated {@code
   *     SWITCHBOARD_BRIDGE_CONFIG}) names it, when set
   * @param env the environment
   * @param flags flag name ({@code --etcd-endpoints}) → value, for the flags given
   * @throws ConfigException naming every problem at once
   */
  public static BridgeConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
    List<String> fileProblems = new ArrayList<>();
    Path f = file != null ? file : ConfigLayer.configFile(SCHEMA, env, fileProblems);
    ConfigValues v = ConfigLayer.load(SCHEMA, f, env, flags);
    fileProblems.forEach(v::problem);
    StoreSection stores = StoreSection.read(v);
    if (stores.etcdEndpoints() == null) v.problem("etcd.endpoints is required (a bridge needs both stores)");
    if (stores.zookeeperConnect() == null) v.problem("zookeeper.connect is required (a bridge needs both stores)");
    String id = v.string("id").orElseGet(ConfigLoader::defaultId);
    Duration session = v.duration("zookeeper.sessionTimeout", Duration.ofSeconds(10));
    ConfigValues.HostPort http = v.hostPort("http.listen", "127.0.0.1:9465");
    Side winner = Side.ETCD;
    try {
      winner = Side.parse(v.string("conflictWinner", "etcd"));
    } catch (IllegalArgumentException e) {
      v.invalid("conflictWinner", "is not etcd or zookeeper: " + e.getMessage());
    }
    Duration antiEntropy = v.duration("antiEntropyInterval", Duration.ofSeconds(30));
    Duration ttl = v.duration("leaderTtl", Duration.ofSeconds(10));
    if (ttl.toSeconds() < 2) v.invalid("leaderTtl", "must be at least 2s");
    int max = (int) v.number("maxValueBytes", EtcdOptions.DEFAULT_MAX_VALUE_BYTES, 1, ZooKeeperOptions.ZOOKEEPER_LIMIT_BYTES);
    int workers = (int) v.number("workers", 16, 1, 64);
    List<Mapping> mappings = mappings(v);
    v.throwIfProblems(ConfigException::new);
    BridgeConfig c = new BridgeConfig(stores.root(), id, stores.etcdEndpoints(), stores.zookeeperConnect(), session, http.host(), http.port(),
        winner, antiEntropy, ttl, max, workers, mappings, stores.security());
    try {
      new Mappings(c.root(), mappings, c.bridgePrefix());
    } catch (IllegalArgumentException ex) {
      throw new ConfigException("mappings: " + ex.getMessage());
    }
    return c;
  }

  private static List<Mapping> mappings(ConfigValues v) {
    List<Mapping> mappings = new ArrayList<>();
    JsonNode list = v.fileOnly("mappings").orElse(null);
    if (list == null || list.isNull()) return mappings;
    if (!list.isArray()) {
      v.problem("mappings must be a list of {etcd, zookeeper} pairs, not '" + list + "'");
      return mappings;
    }
    int i = 0;
    for (JsonNode m : list) {
      String at = "mappings[" + i++ + "]";
      if (!m.isObject()) {
        v.problem(at + " must be a mapping with etcd and zookeeper: '" + m + "'");
        continue;
      }
      List<String> extra = new ArrayList<>();
      m.fieldNames().forEachRemaining(n -> {
        if (!n.equals("etcd") && !n.equals("zookeeper")) extra.add(n);
      });
      if (!extra.isEmpty()) v.problem(at + ": unknown key(s) " + extra + " (allowed: etcd, zookeeper)");
      String e = m.path("etcd").asText(null);
      String z = m.path("zookeeper").asText(null);
      if (e == null || z == null) {
        v.problem(at + " needs both etcd and zookeeper: '" + m + "'");
        continue;
      }
      try {
        mappings.add(Mapping.of(e, z));
      } catch (IllegalArgumentException ex) {
        v.problem(at + ": " + ex.getMessage());
      }
    }
    return mappings;
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

  /** Each key → {@code <environment variable> / <flag>}, for help texts. */
  public static Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    SCHEMA.keys().forEach(k -> m.put(k.path(), k.env() + " / " + k.flag()));
    return m;
  }
}
