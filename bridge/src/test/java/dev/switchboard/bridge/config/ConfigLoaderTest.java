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
        Map.of("SWITCHBOARD_BRIDGE_CONFLICT_WINNER", "zookeeper", "SWITCHBOARD_BRIDGE_ETCD_ENDPOINTS", "http://127.0.0.1:3,http://127.0.0.1:4",
            "PATH", "/bin"),
        Map.of("--conflict-winner", "etcd", "--leader-ttl", "3s"));
    assertThat(c.conflictWinner()).isEqualTo(Side.ETCD);
    assertThat(c.etcdEndpoints()).containsExactly("http://127.0.0.1:3", "http://127.0.0.1:4");
    assertThat(c.leaderTtl()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void unknownOrInvalidKeysStopStartUpNamingThem() throws Exception {
    String base = "etcd: {endpoints: [http://127.0.0.1:1]}\nzookeeper: {connect: 127.0.0.1:2}\n";
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base + "colour: red\n"), Map.of(), Map.of())).hasMessageContaining("unknown key \"colour\"");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base + "http: {port: 1}\n"), Map.of(), Map.of())).hasMessageContaining("unknown key \"http.port\"");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base + "leaderTtl: soon\n"), Map.of(), Map.of())).hasMessageContaining("\"leaderTtl\" is not a duration");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base + "conflictWinner: consul\n"), Map.of(), Map.of())).hasMessageContaining("conflictWinner");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base), Map.of("SWITCHBOARD_BRIDGE_COLOUR", "red"), Map.of())).hasMessageContaining("SWITCHBOARD_BRIDGE_COLOUR");
    assertThatThrownBy(() -> ConfigLoader.load(yaml("zookeeper: {connect: 127.0.0.1:2}\n"), Map.of(), Map.of())).hasMessageContaining("etcd.endpoints");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base + "mappings:\n  - etcd: /a/{x}\n    zookeeper: /b/{y}\n"), Map.of(), Map.of())).hasMessageContaining("mappings[0]");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(base + "maxValueBytes: 99999999\n"), Map.of(), Map.of())).hasMessageContaining("maxValueBytes");
  }
}
