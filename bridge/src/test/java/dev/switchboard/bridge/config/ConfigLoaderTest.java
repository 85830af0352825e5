package dev.switchboard.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.bridge.merge.Side;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path yaml(String s) throws Exception {
    Path p = dir.resolve("bridge.yaml");
    Files.writeString(p, s);
    return p;
  }

  @Test
  void theContractExampleLoadsWithDefaults() throws Exception {
    BridgeConfig c = ConfigLoader.load(yaml("""
        root: /switchboard
        etcd: {endpoints: [http://127.0.0.1:2379]}
        zookeeper: {connect: 127.0.0.1:2181}
        http: {listen: 127.0.0.1:9465}
        mappings:
          - etcd: /plugins/{name}/enabled
            zookeeper: /plugins/{name}
        """), Map.of(), Map.of());
    assertThat(c.root()).isEqualTo("/switchboard");
    assertThat(c.etcdEndpoints()).containsExactly("http://127.0.0.1:2379");
    assertThat(c.zkConnect()).isEqualTo("127.0.0.1:2181");
    assertThat(c.httpPort()).isEqualTo(9465);
    assertThat(c.conflictWinner()).isEqualTo(Side.ETCD);
    assertThat(c.mappings()).hasSize(1);
    assertThat(c.ledgerPrefix()).isEqualTo("/switchboard/bridge/ledger");
  }

  @Test
  void theDeployExampleLoads() {
    BridgeConfig c = ConfigLoader.load(Path.of("..", "deploy", "bridge.example.yaml"), Map.of(), Map.of());
    assertThat(c.id()).isEqualTo("bridge-1");
    assertThat(c.workers()).isEqualTo(16);
    assertThat(c.mappings()).extracting(Object::toString).containsExactly("etcd /plugins/{name}/enabled <-> zookeeper /plugins/{name}");
  }

  @Test
  void flagsBeatEnvironmentBeatsFile() throws Exception {
    Path f = yaml("""
        etcd: {endpoints: [http://127.0.0.1:1]}
        zookeeper: {connect: 127.0.0.1:2}
        conflictWinner: etcd
        """);
    BridgeConfig c = ConfigLoader.load(f,
        Map.of("SWITCHBOARD_CONFLICT_WINNER", "zookeeper", "SWITCHBOARD_ETCD_ENDPOINTS", "http://127.0.0.1:3,http://127.0.0.1:4",
            "PATH", "/bin"),
        Map.of("--conflict-winner", "etcd", "--leader-ttl", "3s"));
    assertThat(c.conflictWinner()).isEqualTo(Side.ETCD);
    assertThat(c.etcdEndpoints()).containsExactly("http://127.0.0.1:3", "http://127.0.0.1:4");
    assertThat(c.leaderTtl()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void unknownOrInvalidKeysStopStartUpNamingThem() throws Exception {
    String base = "etcd: {endpoints: [http://127.0.0.1:1]}\nzookeeper: {connect: 127.0.0.1:2}\n";
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base + "colour: red\n"), Map.of(), Map.of())).hasMessageContaining("key 'colour' is unknown");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base + "http: {port: 1}\n"), Map.of(), Map.of())).hasMessageContaining("key 'http.port' is unknown");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base + "leaderTtl: soon\n"), Map.of(), Map.of())).hasMessageContaining("key 'leaderTtl' is not a duration > 0 like 500ms, 10s, 2m, 1h: 'soon'");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base + "conflictWinner: consul\n"), Map.of(), Map.of())).hasMessageContaining("conflictWinner 'consul' is not etcd or zookeeper");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base), Map.of("SWITCHBOARD_BRIDGE_COLOUR", "red"), Map.of())).hasMessageContaining("SWITCHBOARD_BRIDGE_COLOUR");
    assertThatThrownBy(() -> ConfigLoader.load(yaml("zookeeper: {connect: 127.0.0.1:2}\n"), Map.of(), Map.of())).hasMessageContaining("etcd.endpoints");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base + "mappings:\n  - etcd: /a/{x}\n    zookeeper: /b/{y}\n"), Map.of(), Map.of())).hasMessageContaining("mappings[0]");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base + "maxValueBytes: 99999999\n"), Map.of(), Map.of())).hasMessageContaining("maxValueBytes '99999999' must be within 1..");
  }

  @Test
  void aRootWithATrailingSlashIsAcceptedAsTheAgentAcceptsIt() throws Exception {
    BridgeConfig c = ConfigLoader.load(yaml("""
        root: /switchboard/
        etcd: {endpoints: [http://127.0.0.1:2379]}
        zookeeper: {connect: 127.0.0.1:2181}
        """), Map.of(), Map.of());
    assertThat(c.root()).isEqualTo("/switchboard");
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsKeyAndValue() throws Exception {
    Path file = yaml("""
        etcd: {endpoints: [ftp://x], colour: red}
        zookeeper: {connect: 127.0.0.1:2181}
        workers: many
        leaderTtl: 1s
        """);
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("SWITCHBOARD_BRIDGE_NOPE", "1"), Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(5))
        .hasMessageContaining("etcd.colour")
        .hasMessageContaining("ftp://x")
        .hasMessageContaining("key 'workers' is not a whole number: 'many'")
        .hasMessageContaining("leaderTtl")
        .hasMessageContaining("SWITCHBOARD_BRIDGE_NOPE");
  }

  @Test
  void storeSecurityKeysLoadAndAPasswordIsNeverAValue() throws Exception {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "secret\n");
    BridgeConfig c = ConfigLoader.load(yaml("""
        etcd:
          endpoints: [https://127.0.0.1:2379]
          tls: {ca: /etc/ca.pem, cert: /etc/c.pem, key: /etc/k.pem}
          user: bridge
          passwordFile: %s
        zookeeper:
          connect: 127.0.0.1:2281
          sasl: {user: bridge}
          acl: ["sasl:bridge:cdrwa", "world:anyone:r"]
        """.formatted(pw)), Map.of("SWITCHBOARD_ZOOKEEPER_SASL_PASSWORD", "zk-secret"), Map.of());
    assertThat(c.etcdOptions().tls().ca()).isEqualTo(Path.of("/etc/ca.pem"));
    assertThat(c.etcdOptions().user()).isEqualTo("bridge");
    assertThat(new String(c.etcdOptions().password().read())).isEqualTo("secret");
    assertThat(new String(c.zookeeperOptions().saslPassword().read())).isEqualTo("zk-secret");
    assertThat(c.zookeeperOptions().acl()).containsExactly("sasl:bridge:cdrwa", "world:anyone:r");
    assertThat(c.toString()).doesNotContain("secret");
  }

  @Test
  void aUserWithoutAPasswordSourceIsAProblem() throws Exception {
    Path file = yaml("""
        etcd: {endpoints: [https://127.0.0.1:2379], user: bridge}
        zookeeper: {connect: 127.0.0.1:2181, acl: ["nope"]}
        """);
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
        .hasMessageContaining("etcd.user 'bridge' needs a password")
        .hasMessageContaining("SWITCHBOARD_ETCD_PASSWORD")
        .hasMessageContaining("zookeeper.acl");
  }

  @Test
  void theOldBridgeVariablesStillWorkWithADeprecationWarning() throws Exception {
    BridgeConfig c = ConfigLoader.load(yaml("""
        etcd: {endpoints: [http://127.0.0.1:1]}
        zookeeper: {connect: 127.0.0.1:2, sasl: {user: bridge}}
        """), Map.of("SWITCHBOARD_BRIDGE_WORKERS", "3", "SWITCHBOARD_BRIDGE_ID", "bridge-9", "SWITCHBOARD_BRIDGE_ZOOKEEPER_SASL_PASSWORD", "zk-old"), Map.of());
    assertThat(c.workers()).isEqualTo(3);
    assertThat(c.id()).isEqualTo("bridge-9");
    assertThat(new String(c.zookeeperOptions().saslPassword().read())).isEqualTo("zk-old");
  }

  @Test
  void theAgentAndTheBridgeReadTheStoreSectionTheSameWay() throws Exception {
    // the same variables the agent reads; a value the agent rejects, the bridge rejects with the same words
    Map<String, String> env = Map.of("SWITCHBOARD_ETCD_ENDPOINTS", "http://127.0.0.1:1", "SWITCHBOARD_ZOOKEEPER_CONNECT", "127.0.0.1:2",
        "SWITCHBOARD_ROOT", "/sb/", "SWITCHBOARD_ETCD_USER", "bridge", "SWITCHBOARD_ETCD_PASSWORD", "x");
    BridgeConfig c = ConfigLoader.load(null, env, Map.of());
    assertThat(c.root()).isEqualTo("/sb");
    assertThat(c.etcdEndpoints()).containsExactly("http://127.0.0.1:1");
    assertThat(c.etcdOptions().user()).isEqualTo("bridge");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("SWITCHBOARD_ETCD_ENDPOINTS", "ftp://x", "SWITCHBOARD_ZOOKEEPER_CONNECT", "h:2"), Map.of()))
        .hasMessageContaining("etcd.endpoints 'ftp://x' is not usable")
        .hasMessageContaining("(from environment SWITCHBOARD_ETCD_ENDPOINTS)");
  }
}
