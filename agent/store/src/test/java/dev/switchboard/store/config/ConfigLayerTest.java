package dev.switchboard.store.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLayerTest {
  static final ConfigSchema SCHEMA = ConfigSchema.of("test", StoreSection.keysWith(List.of(
      ConfigKey.string("service"), ConfigKey.number("workers"), ConfigKey.bool("artifacts.requireSignature"),
      ConfigKey.duration("leaderTtl"), ConfigKey.string("host.pidFile"), ConfigKey.number("host.pid"), ConfigKey.string("http.listen"))))
      .withOneOf("host.pid", "host.pidFile")
      .withFileOnly("mappings");

  @TempDir Path dir;

  Path yaml(String text) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void oneNamingRuleTurnsEachPathIntoItsVariableAndFlag() {
    assertThat(ConfigKey.string("etcd.tls.ca").env()).isEqualTo("SWITCHBOARD_ETCD_TLS_CA");
    assertThat(ConfigKey.string("etcd.passwordFile").env()).isEqualTo("SWITCHBOARD_ETCD_PASSWORD_FILE");
    assertThat(ConfigKey.string("etcd.passwordFile").flag()).isEqualTo("--etcd-password-file");
    assertThat(ConfigKey.duration("zookeeper.sessionTimeout").flag()).isEqualTo("--zookeeper-session-timeout");
    assertThat(ConfigKey.string("antiEntropyInterval").env()).isEqualTo("SWITCHBOARD_ANTI_ENTROPY_INTERVAL");
    assertThatThrownBy(() -> ConfigKey.string("Bad_Key")).hasMessageContaining("'Bad_Key'");
  }

  @Test
  void flagsBeatTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() throws Exception {
    Path f = yaml("""
        service: from-file
        workers: 1
        leaderTtl: 5s
        zookeeper: {connect: "127.0.0.1:1"}
        """);
    ConfigValues v = ConfigLayer.load(SCHEMA, f, Map.of("SWITCHBOARD_WORKERS", "2", "SWITCHBOARD_SERVICE", "from-env"),
        Map.of("--workers", "3"));
    assertThat(v.problems()).isEmpty();
    assertThat(v.number("workers")).contains(3L);
    assertThat(v.origin("workers")).isEqualTo("flag --workers");
    assertThat(v.string("service")).contains("from-env");
    assertThat(v.origin("service")).isEqualTo("environment SWITCHBOARD_SERVICE");
    assertThat(v.duration("leaderTtl", Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(5));
    assertThat(v.origin("leaderTtl")).isEqualTo("config file " + f + ": key 'leaderTtl'");
    assertThat(v.bool("artifacts.requireSignature", false)).isFalse();
    assertThat(v.origin("artifacts.requireSignature")).isEqualTo("default");
  }

  @Test
  void aHigherLayersChoiceInAOneOfGroupReplacesTheLowerLayersChoice() throws Exception {
    ConfigValues v = ConfigLayer.load(SCHEMA, yaml("host: {pid: 12}\n"), Map.of("SWITCHBOARD_HOST_PID_FILE", "/run/a.pid"), Map.of());
    assertThat(v.has("host.pid")).isFalse();
    assertThat(v.string("host.pidFile")).contains("/run/a.pid");
  }

  @Test
  void everyProblemIsReportedAtOnceNamingTheKeyWhereItCameFromAndTheValue() throws Exception {
    Path f = yaml("""
        colour: red
        etcd: {endpoints: [ftp://x], colour: blue}
        workers: 1.5
        leaderTtl: soon
        artifacts: {requireSignature: maybe}
        """);
    ConfigValues v = ConfigLayer.loadArgs(SCHEMA, Map.of("SWITCHBOARD_WORKERS", "many", "SWITCHBOARD_UNRELATED", "x"),
        List.of("--config", f.toString(), "--nope", "1", "--leader-ttl", "0s", "stray"));
    StoreSection.read(v);
    v.hostPort("http.listen", "localhost");
    assertThat(v.problems()).containsExactlyInAnyOrder(
        "unexpected argument 'stray' (flags are --key value)",
        "config file " + f + ": key 'colour' is unknown (known keys: " + String.join(", ", SCHEMA.keys().stream().map(ConfigKey::path).toList()) + ", mappings)",
        "config file " + f + ": key 'etcd.colour' is unknown (known keys: " + String.join(", ", SCHEMA.keys().stream().map(ConfigKey::path).toList()) + ", mappings)",
        "config file " + f + ": key 'workers' is not a whole number: '1.5'",
        "config file " + f + ": key 'leaderTtl' is not a duration > 0 like 500ms, 10s, 2m, 1h: 'soon'",
        "config file " + f + ": key 'artifacts.requireSignature' is not true or false: 'maybe'",
        "environment SWITCHBOARD_WORKERS is not a whole number: 'many'",
        "unknown flag --nope (known: --config, " + String.join(", ", SCHEMA.keys().stream().map(ConfigKey::flag).toList()) + ")",
        "flag --leader-ttl is not a duration > 0 like 500ms, 10s, 2m, 1h: '0s'",
        "etcd.endpoints 'ftp://x' is not usable: endpoint must be http(s)://host:port: ftp://x (from config file " + f + ": key 'etcd.endpoints')",
        "http.listen must be host:port");
  }

  @Test
  void rangeChecksNameTheKeyTheValueAndItsOrigin() {
    ConfigValues v = ConfigLayer.load(SCHEMA, null, Map.of("SWITCHBOARD_WORKERS", "99"), Map.of());
    assertThat(v.number("workers", 16, 1, 64)).isEqualTo(16);
    assertThat(v.problems()).containsExactly("workers '99' must be within 1..64 (from environment SWITCHBOARD_WORKERS)");
    assertThatThrownBy(() -> v.throwIfProblems(p -> new IllegalStateException(String.join("; ", p)))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theDeprecatedPrefixStillWorksWithAWarningAndItsTyposAreProblems() throws Exception {
    ConfigSchema bridge = SCHEMA.withLegacyEnvPrefix("SWITCHBOARD_BRIDGE_");
    ConfigValues v = ConfigLayer.load(bridge, null, Map.of(
        "SWITCHBOARD_BRIDGE_WORKERS", "4",
        "SWITCHBOARD_BRIDGE_ETCD_ENDPOINTS", "https://127.0.0.1:2379",
        "SWITCHBOARD_BRIDGE_ETCD_USER", "bridge",
        "SWITCHBOARD_BRIDGE_ETCD_PASSWORD", "s3cret",
        "SWITCHBOARD_BRIDGE_COLOUR", "red"), Map.of());
    StoreSection s = StoreSection.read(v);
    assertThat(v.number("workers")).contains(4L);
    assertThat(v.warnings()).contains("SWITCHBOARD_BRIDGE_WORKERS is deprecated; use SWITCHBOARD_WORKERS");
    assertThat(new String(s.security().etcdPassword().read())).isEqualTo("s3cret");
    assertThat(v.problems()).singleElement().asString().startsWith("unknown environment variable SWITCHBOARD_BRIDGE_COLOUR");
    // the new name wins over the old one
    ConfigValues both = ConfigLayer.load(bridge, null, Map.of("SWITCHBOARD_BRIDGE_WORKERS", "4", "SWITCHBOARD_WORKERS", "5"), Map.of());
    assertThat(both.number("workers")).contains(5L);
    assertThat(both.warnings()).isEmpty();
  }

  @Test
  void theConfigFileComesFromTheFlagOrTheEnvironment() throws Exception {
    Path f = yaml("service: s1\n");
    assertThat(ConfigLayer.loadArgs(SCHEMA, Map.of("SWITCHBOARD_CONFIG", f.toString()), List.of()).string("service")).contains("s1");
    assertThat(ConfigLayer.loadArgs(SCHEMA, Map.of(), List.of("--config=" + f)).string("service")).contains("s1");
    assertThat(ConfigLayer.loadArgs(SCHEMA, Map.of(), List.of("--config", dir.resolve("missing.yaml").toString())).problems())
        .singleElement().asString().startsWith("cannot read config file " + dir.resolve("missing.yaml"));
  }

  @Test
  void fileOnlyKeysAreHandedOverAsWritten() throws Exception {
    ConfigValues v = ConfigLayer.load(SCHEMA, yaml("mappings:\n  - etcd: /a/{n}\n    zookeeper: /b/{n}\n"), Map.of(), Map.of());
    assertThat(v.problems()).isEmpty();
    assertThat(v.fileOnly("mappings")).hasValueSatisfying(n -> assertThat(n.get(0).get("zookeeper").asText()).isEqualTo("/b/{n}"));
  }

  @Test
  void theStoreSectionReadsTheSameForEveryProcess() throws Exception {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "secret\n");
    ConfigValues v = ConfigLayer.load(SCHEMA, yaml("""
        root: /sb/
        etcd:
          endpoints: [https://127.0.0.1:2379]
          tls: {ca: /etc/ca.pem}
          user: agent-a
          passwordFile: %s
        """.formatted(pw)), Map.of(), Map.of("--zookeeper-acl", "sasl:a:cdrwa,world:anyone:r"));
    StoreSection s = StoreSection.read(v);
    assertThat(v.problems()).isEmpty();
    assertThat(s.root()).isEqualTo("/sb");
    assertThat(s.etcdEndpoints()).containsExactly("https://127.0.0.1:2379");
    assertThat(s.zookeeperConnect()).isNull();
    assertThat(s.security().etcdUser()).isEqualTo("agent-a");
    assertThat(new String(s.security().etcdPassword().read())).isEqualTo("secret");
    assertThat(s.security().zkAcl()).containsExactly("sasl:a:cdrwa", "world:anyone:r");
    assertThat(s.toString()).doesNotContain("secret");
  }
}
