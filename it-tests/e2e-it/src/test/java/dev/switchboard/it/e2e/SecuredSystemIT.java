package dev.switchboard.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.Secret;
import dev.switchboard.store.TlsFiles;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.SecuredEtcd;
import dev.switchboard.testkit.SecuredZooKeeper;
import dev.switchboard.testkit.TestCertificates;
import dev.switchboard.testkit.internal.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole system on secured stores: an etcd that requires client certificates and has authentication
 * enabled, a ZooKeeper reached over TLS with SASL users and ACLs; two pods (sample host + sidecar
 * container) and a bridge container, each with its own least-privilege identity (the agents may read
 * their service's desired state and write only their own status; the bridge writes desired state and
 * its ledger; operators write desired state), set up by {@code switchboard ctl roles apply}. A flip written by the operator in either store reaches
 * both pods through the bridge; what an agent's credentials may not do, the stores refuse.
 *
 * <p>Certificates and password files are generated at test time; the sidecars read theirs from the
 * pod's shared {@code /tmp} (in Kubernetes a Secret mounted into the sidecar container only), the
 * bridge from a read-only mount.
 */
class SecuredSystemIT {
  static final String ROOT = "/switchboard";
  static final String SERVICE = "shop";
  static final String PLUGIN = "response-header";
  static final List<String> NODES = List.of("pod-a", "pod-b");
  static final List<String> WRITERS = List.of("sasl:operator:cdrwa", "sasl:bridge:cdrwa", "world:anyone:r");
  static final Duration LONG = Duration.ofSeconds(90);

  @RegisterExtension static final SecuredEtcd etcd = SecuredEtcd.create();
  @RegisterExtension static final SecuredZooKeeper zk = SecuredZooKeeper.withTls(Map.of(
      "operator", "op-zk-pw", "bridge", "br-zk-pw", "agent-shop-pod-a", "a-zk-pw", "agent-shop-pod-b", "b-zk-pw"));

  static Path work;
  static Path artifacts;
  static final List<Pod> pods = new ArrayList<>();
  static Bridge bridge;
  static KeySpace operatorEtcd;
  static KeySpace operatorZk;

  @BeforeAll
  static void start() throws Exception {
    work = E2eSettings.work(SecuredSystemIT.class.getSimpleName());
    Files2.deleteTree(work);
    roles();
    artifacts = Files2.dir(work.resolve("artifacts"), "rwxr-xr-x");
    try (var s = Files.list(DistCopy.get().dir().resolve("plugins"))) {
      for (Path p : s.toList()) Files.copy(p, artifacts.resolve(p.getFileName()));
    }
    E2eImages.image(E2eImages.Kind.SAMPLE_HOST);
    E2eImages.image(E2eImages.Kind.SIDECAR);
    E2eImages.image(E2eImages.Kind.BRIDGE);

    // the bridge: its own etcd user and ZooKeeper SASL identity, files on a read-only mount
    Path bridgePki = Files2.dir(work.resolve("bridge-pki"), "rwxr-xr-x");
    Path inBridge = Path.of("/etc/switchboard/pki");
    String bridgeEtcd = identityFiles(bridgePki, "etcd", etcd.pki(), etcd.pki().client("switchboard-bridge"), "bridge-etcd-pw");
    String bridgeZk = identityFiles(bridgePki, "zk", zk.pki(), zk.pki().client("switchboard-bridge"), "br-zk-pw");
    int bridgePort = Ports.free();
    Path bridgeYaml = Files2.write(work.resolve("bridge.yaml"), "root: " + ROOT + "\nid: bridge-1\n"
        + etcdYaml(inBridge, bridgeEtcd, "bridge")
        + zkYaml(inBridge, bridgeZk, "bridge") + "  acl: [" + String.join(", ", WRITERS.stream().map(a -> "\"" + a + "\"").toList()) + "]\n"
        + "http: {listen: \"127.0.0.1:" + bridgePort + "\"}\nantiEntropyInterval: 10s\nleaderTtl: 5s\n");
    bridge = new Bridge(0, "bridge-1", bridgeYaml, bridgePort, Pod.bind(bridgePki, inBridge.toString(), true));

    for (int i = 0; i < NODES.size(); i++) {
      String node = NODES.get(i);
      int sidecarPort = Ports.free();
      Pod pod = new Pod(i, node, work.resolve(node), artifacts, () -> agentYaml(node, sidecarPort), new Pod.HostSpec(HostApp.SAMPLE, "", Ports.free()), sidecarPort, p -> { });
      Path pki = Files2.dir(pod.dir().resolve("tmp").resolve("pki"), "rwxr-xr-x");
      String user = "agent-" + SERVICE + "-" + node;
      identityFiles(pki, "etcd", etcd.pki(), etcd.pki().client(user), user + "-etcd-pw");
      identityFiles(pki, "zk", zk.pki(), zk.pki().client(user), node.equals("pod-a") ? "a-zk-pw" : "b-zk-pw");
      pods.add(pod);
    }
    parallel(pods.stream().map(p -> (Runnable) p::startPause).toList());
    parallel(pods.stream().map(p -> (Runnable) () -> p.host().start()).toList());
    List<Runnable> rest = new ArrayList<>(pods.stream().map(p -> (Runnable) () -> p.sidecar().start()).toList());
    rest.add(bridge::start);
    parallel(rest);

    operatorEtcd = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoint())
        .tls(new TlsFiles(etcd.pki().caFile(), etcd.rootClient().cert(), etcd.rootClient().key()))
        .operationTimeout(Duration.ofSeconds(10)).build());
    TestCertificates.Pair opZk = zk.pki().client("operator");
    operatorZk = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.secureConnectString())
        .tls(new TlsFiles(zk.pki().caFile(), opZk.cert(), opZk.key()))
        .sasl("operator", Secret.env("ZK_PW", n -> "op-zk-pw")).acl(WRITERS).operationTimeout(Duration.ofSeconds(10)).build());

    await().atMost(LONG).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (Pod p : pods) assertThat(p.sidecar().ready()).as(p + " ready").isTrue();
      assertThat(bridge.leader()).as("bridge leads").isTrue();
    });
  }

  /**
   * Roles, users and the top of the ZooKeeper tree, set up by {@code switchboard ctl roles apply} as an
   * administrator would: etcd as root (its client certificate), ZooKeeper as the digest super user.
   */
  static void roles() throws Exception {
    Path passwords = Files2.dir(work.resolve("passwords"), "rwx------");
    Files2.write(passwords.resolve("operator"), "op-etcd-pw\n");
    Files2.write(passwords.resolve("bridge"), "bridge-etcd-pw\n");
    for (String node : NODES) Files2.write(passwords.resolve("agent-" + SERVICE + "-" + node), "agent-" + SERVICE + "-" + node + "-etcd-pw\n");
    Path superPw = Files2.write(work.resolve("zk-super.pw"), zk.superPassword() + "\n");
    List<String> agents = new ArrayList<>();
    for (String node : NODES) agents.addAll(List.of("--agent", SERVICE + "/" + node));
    Path cli = DistCopy.get().file("switchboard.jar");

    List<String> onEtcd = new ArrayList<>(List.of("roles", "apply", "--password-dir", passwords.toString(), "--etcd", etcd.endpoint(),
        "--cacert", etcd.pki().caFile().toString(), "--cert", etcd.rootClient().cert().toString(), "--key", etcd.rootClient().key().toString()));
    onEtcd.addAll(agents);
    Ctl.Result e = Ctl.run(cli, onEtcd);
    assertThat(e.exit()).as(e.toString()).isZero();
    List<String> onZk = new ArrayList<>(List.of("roles", "apply", "--zookeeper", zk.connectString(),
        "--zk-digest-user", SecuredZooKeeper.SUPER, "--zk-digest-password-file", superPw.toString()));
    onZk.addAll(agents);
    Ctl.Result z = Ctl.run(cli, onZk);
    assertThat(z.exit()).as(z.toString()).isZero();
    assertThat(etcd.etcdctl("user", "list")).contains("agent-shop-pod-a", "agent-shop-pod-b", "bridge", "operator");
  }

  /** Copies CA, certificate and key into {@code dir} as {@code <prefix>-ca.pem}, ... readable by the containers' user. */
  static String identityFiles(Path dir, String prefix, TestCertificates pki, TestCertificates.Pair pair, String password) throws Exception {
    copy(pki.caFile(), dir.resolve(prefix + "-ca.pem"));
    copy(pair.cert(), dir.resolve(prefix + "-cert.pem"));
    copy(pair.key(), dir.resolve(prefix + "-key.pem"));
    Files2.write(dir.resolve(prefix + ".pw"), password + "\n");
    Files.setPosixFilePermissions(dir.resolve(prefix + ".pw"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    return prefix;
  }

  private static void copy(Path from, Path to) throws Exception {
    Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(to, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
  }

  static String etcdYaml(Path dir, String prefix, String user) {
    return "etcd:\n  endpoints: [" + etcd.endpoint() + "]\n"
        + "  tls: {ca: " + dir.resolve(prefix + "-ca.pem") + ", cert: " + dir.resolve(prefix + "-cert.pem") + ", key: " + dir.resolve(prefix + "-key.pem") + "}\n"
        + "  user: " + user + "\n  passwordFile: " + dir.resolve(prefix + ".pw") + "\n";
  }

  static String zkYaml(Path dir, String prefix, String user) {
    return "zookeeper:\n  connect: \"" + zk.secureConnectString() + "\"\n"
        + "  tls: {ca: " + dir.resolve(prefix + "-ca.pem") + ", cert: " + dir.resolve(prefix + "-cert.pem") + ", key: " + dir.resolve(prefix + "-key.pem") + "}\n"
        + "  sasl: {user: " + user + ", passwordFile: " + dir.resolve(prefix + ".pw") + "}\n";
  }

  static String agentYaml(String node, int port) {
    Path pki = Path.of("/tmp/pki");
    String user = "agent-" + SERVICE + "-" + node;
    return "service: " + SERVICE + "\nnode: " + node + "\nroot: " + ROOT + "\n"
        + etcdYaml(pki, "etcd", user) + zkYaml(pki, "zk", user) + "prefer: etcd\n"
        + "host:\n  match: \"sample-host\\\\.jar\"\n  exports: [" + SystemTopology.SPI_EXPORTS + "]\n"
        + "cacheDir: " + Pod.CACHE_DIR + "\ncontrolDir: /tmp/switchboard\n"
        + "runtimeJar: /opt/switchboard/runtime/switchboard-runtime.jar\n"
        + "http: {listen: \"127.0.0.1:" + port + "\"}\n";
  }

  @AfterAll
  static void stop() {
    List<Runnable> steps = new ArrayList<>();
    if (operatorEtcd != null) steps.add(operatorEtcd::close);
    if (operatorZk != null) steps.add(operatorZk::close);
    Path logs = work == null ? null : work.resolve("logs");
    for (Pod p : pods) {
      for (Box b : p.boxes()) {
        if (logs != null) steps.add(() -> b.writeLogs(logs));
        steps.add(b::remove);
      }
    }
    if (bridge != null) {
      if (logs != null) steps.add(() -> bridge.box.writeLogs(logs));
      steps.add(bridge.box::remove);
    }
    for (Runnable r : steps) {
      try {
        r.run();
      } catch (RuntimeException e) {
        System.err.println("e2e: cleanup step failed: " + e);
      }
    }
  }

  static String key(String plugin, String leaf) {
    return ROOT + "/services/" + SERVICE + "/plugins/" + plugin + "/" + leaf;
  }

  static String artifact(String version) {
    String file = PLUGIN + "-" + version + ".jar";
    return "{\"url\":\"file://" + Pod.ARTIFACTS_DIR + "/" + file + "\",\"sha256\":\"" + DistCopy.sha256(artifacts.resolve(file))
        + "\",\"version\":\"" + version + "\"}";
  }

  static void put(KeySpace store, String key, String value) throws Exception {
    store.put(key, value.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
  }

  static void awaitMarkers(String what, Optional<String> expected) {
    long t0 = System.nanoTime();
    await(what).atMost(LONG).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      for (Pod p : pods) assertThat(p.host().marker()).as(p + ": " + what).isEqualTo(expected);
    });
    System.out.printf("e2e secured: %s on both pods after %d ms%n", what, (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void flipsWrittenByOperatorsInEitherSecuredStoreReachEveryPodThroughTheBridge() throws Exception {
    for (Pod p : pods) assertThat(p.host().marker()).as(p + " before any flip").isEmpty();

    // etcd (operator): artifact + enabled -> both pods run the plugin; the bridge mirrors both keys into ZooKeeper
    put(operatorEtcd, key(PLUGIN, "artifact"), artifact("1.0.0"));
    put(operatorEtcd, key(PLUGIN, "enabled"), "true");
    awaitMarkers("etcd enable", Optional.of(PLUGIN + "/1.0.0"));
    await("mirrored into ZooKeeper").atMost(LONG).until(() -> value(operatorZk, key(PLUGIN, "enabled")).equals(Optional.of("true")));

    // ZooKeeper (operator, SASL over TLS): disable -> the bridge writes it into etcd -> both pods drop the plugin
    put(operatorZk, key(PLUGIN, "enabled"), "false");
    awaitMarkers("zookeeper disable", Optional.empty());
    await("mirrored into etcd").atMost(LONG).until(() -> value(operatorEtcd, key(PLUGIN, "enabled")).equals(Optional.of("false")));

    put(operatorZk, key(PLUGIN, "enabled"), "true");
    awaitMarkers("zookeeper enable", Optional.of(PLUGIN + "/1.0.0"));

    // each agent published its own status under its least-privilege user, in both stores
    for (Pod p : pods) {
      String status = ROOT + "/status/" + SERVICE + "/" + p.node() + "/plugins/" + PLUGIN;
      await(p + " status in etcd").atMost(LONG).until(() -> value(operatorEtcd, status).map(v -> v.contains("\"ACTIVE\"")).orElse(false));
      await(p + " status in ZooKeeper").atMost(LONG).until(() -> value(operatorZk, status).map(v -> v.contains("\"ACTIVE\"")).orElse(false));
      com.fasterxml.jackson.databind.JsonNode stores = p.sidecar().status().path("agent").path("stores");
      assertThat(stores.path("etcd").asText()).as(p + " etcd: " + stores).isEqualTo("connected");
      assertThat(stores.path("zookeeper").asText()).as(p + " zookeeper: " + stores).isEqualTo("connected");
    }
    assertThat(bridge.metric("switchboard_bridge_leader", "")).isEqualTo(1.0);
  }

  @Test
  void anAgentsCredentialsCannotWriteDesiredStateOrAnotherNodesStatus() throws Exception {
    Path pki = pods.get(0).dir().resolve("tmp").resolve("pki");
    try (KeySpace agentEtcd = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoint())
            .tls(new TlsFiles(pki.resolve("etcd-ca.pem"), pki.resolve("etcd-cert.pem"), pki.resolve("etcd-key.pem")))
            .auth("agent-shop-pod-a", Secret.file(pki.resolve("etcd.pw"))).operationTimeout(Duration.ofSeconds(10)).build());
         KeySpace agentZk = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.secureConnectString())
            .tls(new TlsFiles(pki.resolve("zk-ca.pem"), pki.resolve("zk-cert.pem"), pki.resolve("zk-key.pem")))
            .sasl("agent-shop-pod-a", Secret.file(pki.resolve("zk.pw"))).operationTimeout(Duration.ofSeconds(10)).build())) {
      // its own status subtree: allowed
      put(agentEtcd, ROOT + "/status/" + SERVICE + "/pod-a/probe", "ok");
      agentEtcd.delete(ROOT + "/status/" + SERVICE + "/pod-a/probe").get(10, TimeUnit.SECONDS);
      // desired state and the other node's status: refused by the stores
      for (String k : List.of(key(PLUGIN, "enabled"), ROOT + "/status/" + SERVICE + "/pod-b/plugins/" + PLUGIN)) {
        assertThatThrownBy(() -> put(agentEtcd, k, "false")).as("etcd " + k).hasStackTraceContaining("permission denied");
        assertThatThrownBy(() -> put(agentZk, k, "false")).as("zookeeper " + k).hasStackTraceContaining("permission");
      }
    }
    // nothing changed for the pods
    for (Pod p : pods) assertThat(p.sidecar().ready()).as(p + " still ready").isTrue();
  }

  static Optional<String> value(KeySpace store, String key) throws Exception {
    return store.get(key).get(10, TimeUnit.SECONDS).map(e -> e.valueUtf8());
  }

  private static void parallel(List<Runnable> tasks) {
    CompletableFuture.allOf(tasks.stream().map(CompletableFuture::runAsync).toArray(CompletableFuture[]::new)).join();
  }
}
