package dev.switchboard.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.DockerClientFactory;

/**
 * Scenario 4: bad inputs written through the real stores reach the containerised sidecar — malformed JSON
 * (written in ZooKeeper, mirrored by the bridge), a sha256 mismatch, a corrupted jar, a zip bomb, a jar for a newer
 * Java, names with {@code ..} and {@code /} (store keys and plugin ids). Each gives a FAILED status with its reason
 * ({@code /v1/status} and the status keys in both stores) or, for a key that names no valid plugin, an entry in
 * {@code /v1/status} {@code rejectedKeys}; and nothing else is disturbed: a good plugin on the same pod keeps serving
 * every request throughout, the host and the sidecar containers keep running (same start time, same host pid).
 * Jars come from an HTTP server in this JVM on 127.0.0.1 (the pods use the host network).
 */
class BadInputsThroughStoresIT {
  static final String SCENARIO = "BadInputsThroughStoresIT";
  static final String GOOD = "response-header";
  static final Duration LONG = Duration.ofSeconds(60);

  @RegisterExtension
  static final SystemTopology SYSTEM =
      SystemTopology.builder().service("edge").nodes("pod-a").bridges(1).etcdMembers(1).zooKeeperServers(1).build();

  static EdgeJarServer jars;

  @BeforeAll
  static void startJarServer() {
    jars = new EdgeJarServer();
  }

  @AfterAll
  static void stopJarServer() {
    if (jars != null) jars.close();
  }

  /** One bad input: the keys written (in order, to {@code store}), the plugin expected FAILED and its reason's parts. */
  record Bad(String label, Store store, String plugin, Map<String, String> writes, List<String> reason) {}

  @Test
  void everyBadInputIsAFailedStatusWithItsReasonWhileAGoodPluginKeepsServing() throws Exception {
    Pod pod = SYSTEM.pod(0);
    Flags flags = SYSTEM.flags();
    Path good = SYSTEM.pluginJar(GOOD, "1.0.0");
    try (Checker checker = SYSTEM.checker(SCENARIO, GOOD); Client raw = Client.builder().endpoints(SYSTEM.etcd().endpointList().toArray(String[]::new)).build()) {
      checker.observe(Duration.ofMillis(25));
      flags.artifact(Store.ETCD, GOOD, "1.0.0");
      flags.enable(Store.ETCD, GOOD, true);
      checker.awaitConverged("good plugin active");
      long hostPid = pod.sidecar().status().path("agent").path("hostPid").asLong();
      String hostStarted = startedAt(pod.host().box);
      String sidecarStarted = startedAt(pod.sidecar().box);

      for (Bad bad : badPluginInputs(flags, good)) {
        long t0 = System.nanoTime();
        bad.writes().forEach((k, v) -> flags.put(bad.store(), k, v));
        JsonNode failed = awaitFailed(pod, bad);
        System.out.printf("E2E %s: %s -> FAILED with its reason in %d ms: %s%n", SCENARIO, bad.label(), (System.nanoTime() - t0) / 1_000_000,
            failed.path("error").asText());
        assertThat(pod.host().marker()).as("the good plugin keeps serving after: " + bad.label()).contains(GOOD + "/1.0.0");
        for (String k : bad.writes().keySet()) flags.delete(bad.store(), k);
      }

      // a sha256 mismatch never reaches the cache: no jar under the served bytes' hash
      try (var files = Files.list(pod.dir().resolve("cache").resolve("sha256"))) {
        assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList())
            .as("verified jars in the pod's cache").doesNotContain(EdgeJars.sha256(EdgeJars.renamed(good, "bad-sha")) + ".jar");
      }
      assertThat(pod.sidecar().metrics()).containsPattern("switchboard_reconcile_failures_total\\{node=\"[^\"]+\",plugin=\"bad-sha\",reason=\"fetch_checksum_mismatch\",service=\"[^\"]+\"} [1-9]");

      // keys that name no valid plugin: never a path, never a plugin; listed in rejectedKeys with the reason
      String svc = SystemTopology.ROOT + "/services/" + SYSTEM.service();
      Map<String, String> names = new LinkedHashMap<>();
      names.put(svc + "/plugins/../enabled", "skipped by the etcd adapter: invalid key: path has a '..' segment");
      names.put(svc + "/nodes/../plugins/" + GOOD + "/enabled", "skipped by the etcd adapter: invalid key: path has a '..' segment");
      names.put(svc + "/plugins/..hidden/enabled", "invalid plugin name '..hidden'");
      names.put(svc + "/plugins/a/b/enabled", "not a key of the desired-state layout");
      names.put(svc + "/nodes/pod-a/../plugins/" + GOOD + "/enabled", "skipped by the etcd adapter: invalid key: path has a '..' segment");
      for (Map.Entry<String, String> n : names.entrySet()) {
        long t0 = System.nanoTime();
        // written raw (as etcdctl would): the project's own adapter refuses to write such a key at all
        raw.getKVClient().put(bytes(n.getKey()), bytes(n.getKey().contains("/nodes/") ? "false" : "true")).get(10, TimeUnit.SECONDS);
        await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
          JsonNode rejected = rejected(pod, n.getKey());
          assertThat(rejected.path("error").asText()).contains(n.getValue());
        });
        System.out.printf("E2E %s: key %s -> rejectedKeys with its reason in %d ms: %s%n", SCENARIO, n.getKey(),
            (System.nanoTime() - t0) / 1_000_000, rejected(pod, n.getKey()).path("error").asText());
        assertThat(pod.host().marker()).as("the good plugin keeps serving after " + n.getKey()).contains(GOOD + "/1.0.0");
      }
      for (JsonNode p : pod.sidecar().status().path("plugins")) {
        assertThat(p.path("plugin").asText()).as("no plugin named after a bad key").matches("[a-z0-9][a-z0-9._-]{0,62}");
      }
      try (var s = Files.walk(pod.dir())) {
        assertThat(s.map(Path::toString).filter(f -> f.contains("..") || f.endsWith("/a/b")).toList()).as("no file named after a bad key").isEmpty();
      }
      for (String k : names.keySet()) raw.getKVClient().delete(bytes(k)).get(10, TimeUnit.SECONDS);

      checker.awaitConverged("good plugin still active after every bad input");
      List<String> order = checker.orderViolations();
      assertThat(order).as("the good plugin's marker never went away and came back").isEmpty();
      assertThat(checker.failedRequests()).as("failed requests to the host: " + checker.failures()).isZero();
      System.out.printf("E2E %s: %d requests to the host during the bad inputs, %d failed, marker always present%n", SCENARIO,
          checker.requests(), checker.failedRequests());
      assertThat(pod.sidecar().status().path("agent").path("hostPid").asLong()).as("same host JVM").isEqualTo(hostPid);
      assertThat(startedAt(pod.host().box)).as("host container never restarted").isEqualTo(hostStarted);
      assertThat(startedAt(pod.sidecar().box)).as("sidecar container never restarted").isEqualTo(sidecarStarted);
      assertThat(pod.host().logs()).doesNotContain("OutOfMemoryError");
      JsonNode goodStatus = pod.sidecar().plugin(GOOD);
      assertThat(goodStatus.path("state").asText()).isEqualTo("ACTIVE");
      assertThat(goodStatus.path("error").isNull()).as("good plugin error: " + goodStatus).isTrue();
      checker.verify();
    }
  }

  private List<Bad> badPluginInputs(Flags flags, Path good) {
    List<Bad> out = new ArrayList<>();

    String key = flags.key("bad-json", "artifact");
    out.add(new Bad("malformed JSON written in ZooKeeper", Store.ZOOKEEPER, "bad-json",
        writes(key, "{\"url\": \"" + jars.url("x.jar") + "\", \"sha256\": ", flags.key("bad-json", "enabled"), "true"),
        List.of(key, "bad JSON")));

    // the claimed hash must not be in the cache already: the cache is content-addressed, a cached hash is never fetched
    byte[] mismatched = EdgeJars.renamed(good, "bad-sha");
    jars.put("bad-sha.jar", mismatched);
    String claimed = EdgeJars.sha256(EdgeJars.renamed(good, "bad-sha-other"));
    out.add(new Bad("sha256 mismatch", Store.ETCD, "bad-sha",
        writes(flags.key("bad-sha", "artifact"), jars.artifact("bad-sha.jar", claimed, "1.0.0"), flags.key("bad-sha", "enabled"), "true"),
        List.of("sha256 mismatch")));

    byte[] corrupt = EdgeJars.corrupted(good, "bad-corrupt");
    jars.put("bad-corrupt.jar", corrupt);
    out.add(new Bad("corrupted jar", Store.ETCD, "bad-corrupt",
        writes(flags.key("bad-corrupt", "artifact"), jars.artifact("bad-corrupt.jar", EdgeJars.sha256(corrupt), "1.0.0"),
            flags.key("bad-corrupt", "enabled"), "true"),
        List.of("archive:")));

    // one entry of 200 MiB of zeros (~200 KiB on disk): under the runtime's total limit (256 MiB), far over its ratio
    // limit (100); refused while inflating, so the host never buffers it
    byte[] bomb = EdgeJars.zipBomb(good, "bad-bomb", 1, 200 << 20);
    jars.put("bad-bomb.jar", bomb);
    out.add(new Bad("zip bomb (" + bomb.length + " bytes, 200 MiB inflated)", Store.ETCD, "bad-bomb",
        writes(flags.key("bad-bomb", "artifact"), jars.artifact("bad-bomb.jar", EdgeJars.sha256(bomb), "1.0.0"),
            flags.key("bad-bomb", "enabled"), "true"),
        List.of("archive: entry bomb/0.bin inflates", "bytes so far", "> limit 100")));

    byte[] newer = EdgeJars.newerJava(good, "bad-newer-java", 69);
    jars.put("bad-newer-java.jar", newer);
    out.add(new Bad("jar for Java 25 in a Java 17 host", Store.ETCD, "bad-newer-java",
        writes(flags.key("bad-newer-java", "artifact"), jars.artifact("bad-newer-java.jar", EdgeJars.sha256(newer), "1.0.0"),
            flags.key("bad-newer-java", "enabled"), "true"),
        List.of("needs Java 25")));

    for (String id : List.of("../bad-id", "bad/id")) {
      String plugin = id.startsWith("..") ? "bad-id-dots" : "bad-id-slash";
      byte[] jar = EdgeJars.descriptorId(good, id);
      jars.put(plugin + ".jar", jar);
      out.add(new Bad("plugin.json id '" + id + "'", Store.ETCD, plugin,
          writes(flags.key(plugin, "artifact"), jars.artifact(plugin + ".jar", EdgeJars.sha256(jar), "1.0.0"), flags.key(plugin, "enabled"), "true"),
          List.of("id '" + id + "'")));
    }
    return out;
  }

  /** Waits until {@code bad.plugin} is FAILED with the reason in /v1/status and in the status keys of both stores. */
  private static JsonNode awaitFailed(Pod pod, Bad bad) {
    Flags flags = SYSTEM.flags();
    await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      JsonNode st = pod.sidecar().plugin(bad.plugin());
      assertThat(st.path("state").asText()).as(bad.label() + ": " + st).isEqualTo("FAILED");
      assertThat(st.path("error").asText()).as(bad.label()).isNotBlank();
      for (String r : bad.reason()) assertThat(st.path("error").asText()).as(bad.label()).contains(r);
      for (Store s : Store.values()) {
        JsonNode key = Pod.JSON.readTree(flags.get(s, flags.statusKey(pod.node(), bad.plugin())).orElseThrow());
        assertThat(key.path("state").asText()).as(s + " status key, " + bad.label()).isEqualTo("FAILED");
        for (String r : bad.reason()) assertThat(key.path("error").asText()).as(s + " status key, " + bad.label()).contains(r);
      }
    });
    return pod.sidecar().plugin(bad.plugin());
  }

  private static JsonNode rejected(Pod pod, String key) {
    for (JsonNode r : pod.sidecar().status().path("rejectedKeys")) if (r.path("key").asText().equals(key)) return r;
    throw new AssertionError("no rejectedKeys entry for " + key + " in " + pod.sidecar().status());
  }

  private static Map<String, String> writes(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String startedAt(Box box) {
    return DockerClientFactory.instance().client().inspectContainerCmd(box.id()).exec().getState().getStartedAt();
  }
}
