package dev.switchboard.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path tmp;

  Path file(String yaml) throws Exception {
    Path f = tmp.resolve("agent.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  static final String FULL = """
      service: checkout
      node: node-1
      root: /switchboard
      etcd:
        endpoints: [http://127.0.0.1:2379]
      zookeeper:
        connect: 127.0.0.1:2181
      prefer: etcd
      host:
        pid: 12345
        exports: [com.example.spi]
      cacheDir: /var/cache/switchboard
      controlDir: /tmp/switchboard
      http:
        listen: 127.0.0.1:9464
      """;

  @Test
  void theContractExampleLoads() throws Exception {
    AgentConfig c = ConfigLoader.load(Map.of(), List.of("--config", file(FULL).toString()));
    assertThat(c.service()).isEqualTo("checkout");
    assertThat(c.node()).isEqualTo("node-1");
    assertThat(c.etcdEndpoints()).containsExactly("http://127.0.0.1:2379");
    assertThat(c.zookeeperConnect()).isEqualTo("127.0.0.1:2181");
    assertThat(c.prefer()).isEqualTo("etcd");
    assertThat(c.hostPid()).isEqualTo(12345L);
    assertThat(c.hostExports()).containsExactly("com.example.spi");
    assertThat(c.cacheDir()).isEqualTo(Path.of("/var/cache/switchboard"));
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isEqualTo(9464);
  }

  @Test
  void hostExportsAcceptAPackageWithItsSubPackagesAsTheRuntimeDoes() throws Exception {
    AgentConfig c = ConfigLoader.load(Map.of(), List.of("--config", file(FULL.replace("[com.example.spi]", "[com.example.spi, org.eclipse.jetty.*]")).toString()));
    assertThat(c.hostExports()).containsExactly("com.example.spi", "org.eclipse.jetty.*");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), List.of("--config", file(FULL.replace("[com.example.spi]", "[com.*.spi]")).toString())))
        .hasMessageContaining("'com.*.spi'");
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path f = file(FULL);
    Map<String, String> env = Map.of(
        "SWITCHBOARD_SERVICE", "from-env",
        "SWITCHBOARD_NODE", "node-env",
        "SWITCHBOARD_ETCD_ENDPOINTS", "http://127.0.0.1:1,http://127.0.0.1:2",
        "SWITCHBOARD_HOST_PID_FILE", "/run/app.pid",
        "SWITCHBOARD_TESTKIT", "local");
    AgentConfig c = ConfigLoader.load(env, List.of("--config", f.toString(), "--service", "from-flag", "--http-listen=127.0.0.1:0"));
    assertThat(c.service()).isEqualTo("from-flag");
    assertThat(c.node()).isEqualTo("node-env");
    assertThat(c.etcdEndpoints()).containsExactly("http://127.0.0.1:1", "http://127.0.0.1:2");
    // the environment's host locator replaces the file's (one choice, not two)
    assertThat(c.hostPid()).isNull();
    assertThat(c.hostPidFile()).isEqualTo(Path.of("/run/app.pid"));
    assertThat(c.httpPort()).isZero();
    AgentConfig m = ConfigLoader.load(env, List.of("--config", f.toString(), "--host-match", "com\\.example\\.Main"));
    assertThat(m.hostMatch()).isEqualTo("com\\.example\\.Main");
    assertThat(m.hostPidFile()).isNull();
  }

  @Test
  void environmentAndFlagsAloneAreEnough() {
    AgentConfig c = ConfigLoader.load(
        Map.of("SWITCHBOARD_ZOOKEEPER_CONNECT", "127.0.0.1:2181", "SWITCHBOARD_HOST_PID", "7"),
        List.of("--service", "checkout", "--node", "n1"));
    assertThat(c.prefer()).isEqualTo("zookeeper");
    assertThat(c.etcdEndpoints()).isNull();
    assertThat(c.hostPid()).isEqualTo(7L);
    assertThat(c.root()).isEqualTo("/switchboard");
  }

  @Test
  void unknownAndInvalidKeysStopStartUpNamingEachOfThem() throws Exception {
    Path f = file("""
        service: Check_Out
        etcd:
          endpoint: [http://127.0.0.1:2379]
        zookeeper:
          connect: nope
        prefer: consul
        host:
          pid: 1
          match: "(unclosed"
        http:
          listen: localhost
        colour: blue
        """);
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), List.of("--config", f.toString(), "--host-pids", "3")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown flag --host-pids");
    ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(
        () -> ConfigLoader.load(Map.of(), List.of("--config", f.toString())));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("'etcd.endpoint' is unknown"))
        .anySatisfy(p -> assertThat(p).contains("'colour' is unknown"));
    ConfigException v = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(
        () -> ConfigLoader.load(Map.of(), List.of("--config", file("""
            service: Check_Out
            zookeeper: {connect: nope}
            prefer: consul
            host: {pid: 1, match: "(unclosed"}
            http: {listen: localhost}
            """).toString())));
    assertThat(v.problems())
        .anySatisfy(p -> assertThat(p).contains("service 'Check_Out' is not a valid name"))
        .anySatisfy(p -> assertThat(p).contains("zookeeper.connect"))
        .anySatisfy(p -> assertThat(p).contains("prefer must be etcd or zookeeper"))
        .anySatisfy(p -> assertThat(p).contains("exactly one of host.pid, host.pidFile, host.match"))
        .anySatisfy(p -> assertThat(p).contains("host.match is not a valid regular expression"))
        .anySatisfy(p -> assertThat(p).contains("http.listen 'localhost' must be host:port"));
  }

  @Test
  void badValuesFromTheEnvironmentAreNamed() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SWITCHBOARD_HOST_PID", "abc"), List.of("--service", "s")))
        .hasMessageContaining("environment SWITCHBOARD_HOST_PID is not a whole number: 'abc'");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), List.of("--service", "s", "--zookeeper-connect", "h:1", "--prefer", "etcd", "--host-pid", "1")))
        .hasMessageContaining("prefer names etcd, which is not configured");
  }

  @Test
  void theDeployExampleIsValid() throws Exception {
    Path example = Path.of(System.getProperty("switchboard.dist", "dist")).getParent().resolve("deploy/agent.example.yaml");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(example), "deploy/agent.example.yaml present");
    AgentConfig c = ConfigLoader.load(Map.of(), List.of("--config", example.toString()));
    assertThat(c.service()).isNotBlank();
  }

  @Test
  void trustedKeysAreLoadedAtStartAndRequireSignatureIsABoolean() throws Exception {
    Path pub = tmp.resolve("release.pub");
    Files.writeString(pub, dev.switchboard.sidecar.artifact.Ed25519Keys.publicPem(dev.switchboard.sidecar.artifact.Ed25519Keys.generate().getPublic()));
    AgentConfig c = ConfigLoader.load(Map.of(), List.of("--config", file(FULL + "artifacts:\n  trustedKeys: [" + pub + "]\n  requireSignature: true\n").toString()));
    assertThat(c.artifactTrust().requireSignature()).isTrue();
    assertThat(c.artifactTrust().keys()).extracting(k -> k.file()).containsExactly(pub);

    AgentConfig fromEnv = ConfigLoader.load(Map.of("SWITCHBOARD_ARTIFACTS_TRUSTED_KEYS", pub.toString(), "SWITCHBOARD_ARTIFACTS_REQUIRE_SIGNATURE", "true"),
        List.of("--config", file(FULL).toString()));
    assertThat(fromEnv.artifactTrust().requireSignature()).isTrue();
    assertThat(fromEnv.artifactTrust().keys()).hasSize(1);
    AgentConfig flagsOff = ConfigLoader.load(Map.of("SWITCHBOARD_ARTIFACTS_REQUIRE_SIGNATURE", "true"),
        List.of("--config", file(FULL).toString(), "--artifacts-require-signature", "false"));
    assertThat(flagsOff.artifactTrust().requireSignature()).isFalse();
    assertThat(ConfigLoader.load(Map.of(), List.of("--config", file(FULL).toString())).artifactTrust().keys()).isEmpty();
  }

  @Test
  void badTrustedKeyFilesStopStartUpNamingEachFile() throws Exception {
    Path missing = tmp.resolve("missing.pub");
    Path junk = tmp.resolve("junk.pub");
    Files.writeString(junk, "not a key");
    Path priv = tmp.resolve("release.key");
    Files.writeString(priv, dev.switchboard.sidecar.artifact.Ed25519Keys.privatePem(dev.switchboard.sidecar.artifact.Ed25519Keys.generate().getPrivate()));
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(),
        List.of("--config", file(FULL + "artifacts: {trustedKeys: [" + missing + ", " + junk + ", " + priv + "]}\n").toString())));
    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).isEqualTo("artifacts.trustedKeys: key file " + missing + " is unreadable: java.nio.file.NoSuchFileException: " + missing))
        .anySatisfy(p -> assertThat(p).startsWith("artifacts.trustedKeys: key file " + junk + " holds no PEM block"))
        .anySatisfy(p -> assertThat(p).startsWith("artifacts.trustedKeys: key file " + priv + " holds a private key where a public key belongs"))
        .hasSize(3);
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), List.of("--config", file(FULL + "artifacts: {requireSignature: maybe}\n").toString())))
        .hasMessageContaining("key 'artifacts.requireSignature' is not true or false: 'maybe'");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), List.of("--config", file(FULL).toString(), "--artifacts-require-signature", "true")))
        .hasMessageContaining("artifacts.requireSignature is true but artifacts.trustedKeys is empty");
  }

  @Test
  void oldSquashedNamesStillWorkWithAWarning() throws Exception {
    AgentConfig c = ConfigLoader.load(Map.of("SWITCHBOARD_HOST_PIDFILE", "/run/app.pid", "SWITCHBOARD_ZOOKEEPER_CONNECT", "h:1"),
        List.of("--service", "s", "--cachedir", "/var/c"));
    assertThat(c.hostPidFile()).isEqualTo(Path.of("/run/app.pid"));
    assertThat(c.cacheDir()).isEqualTo(Path.of("/var/c"));
  }
}
