package dev.switchboard.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.testkit.Dist;
import dev.switchboard.testkit.EtcdCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic shifting through the whole stack: {@code switchboard ctl traffic} (run in the test JVM) writes the {@code traffic} key in a real
 * etcd, a real sidecar resolves it and drives the runtime in a real sample host, which keeps response-header 1.0.0 and
 * 2.0.0 live and routes each request. Under a steady load (every response's version recorded) the share of 2.0.0 goes
 * 0 → 10 → 50 → 100 %, requests pinned by {@code x-deployment-id} always reach their version, a malformed traffic
 * value is refused without disturbing the split, and {@code ctl promote} leaves 2.0.0 alone; no request fails.
 */
class TrafficShiftAgentIT {
  @RegisterExtension static final EtcdCluster ETCD = EtcdCluster.single();
  static final Duration LONG = Duration.ofSeconds(60);
  static final String SVC = "shift";
  static final String PLUGIN = "response-header";
  static final String V1 = PLUGIN + "/1.0.0";
  static final String V2 = PLUGIN + "/2.0.0";

  @TempDir Path tmp;
  AgentNode node;
  final long t0 = System.nanoTime();

  String elapsed() {
    return String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - t0) / 1e9);
  }

  @AfterEach
  void stop() {
    if (node != null) node.close();
  }

  /** {@code switchboard ctl ...} run in this JVM (the real CLI code; a JVM start per verb would dominate the test's time). */
  int ctl(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ctl"));
    cmd.addAll(List.of(args));
    cmd.add("--etcd=" + ETCD.endpoints());
    java.io.PrintStream out = System.out;
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    int exit;
    try {
      java.io.PrintStream both = new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8);
      System.setOut(both);
      System.setErr(both);
      exit = dev.switchboard.cli.Main.run(cmd.toArray(String[]::new));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    System.out.println("$ switchboard ctl " + String.join(" ", args) + "  -> exit " + exit + " at " + elapsed() + "\n"
        + captured.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
    return exit;
  }

  /** Clients sending GET / without a pin; every response's marker is counted. */
  static final class Load implements AutoCloseable {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong requests = new AtomicLong();
    final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new ArrayList<>();

    Load(int port, int clients) {
      for (int i = 0; i < clients; i++) {
        Thread t = new Thread(() -> run(port), "load-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    void run(int port) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build();
      while (!stop.get()) {
        try {
          HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
          String v = r.headers().firstValue("X-Switchboard-Plugin").orElse("(none)");
          if (r.statusCode() != 200) failures.add("status " + r.statusCode() + " " + v);
          versions.computeIfAbsent(v, k -> new AtomicLong()).incrementAndGet();
          Thread.sleep(1); // a steady stream that leaves the shared CPU to the agent and the ctl processes
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          failures.add(e.toString());
        }
        requests.incrementAndGet();
      }
    }

    /** The versions of the next {@code n} responses. */
    Map<String, Long> window(long n) {
      Map<String, Long> before = snapshot();
      long start = requests.get();
      await().atMost(LONG).pollInterval(Duration.ofMillis(20)).until(() -> requests.get() - start >= n);
      Map<String, Long> diff = new TreeMap<>();
      snapshot().forEach((k, v) -> {
        long d = v - before.getOrDefault(k, 0L);
        if (d > 0) diff.put(k, d);
      });
      System.out.println("window of " + n + " requests: " + diff);
      return diff;
    }

    Map<String, Long> snapshot() {
      Map<String, Long> m = new TreeMap<>();
      versions.forEach((k, v) -> m.put(k, v.get()));
      return m;
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) t.join(15_000);
    }
  }

  static double share(Map<String, Long> w, String version) {
    return 100.0 * w.getOrDefault(version, 0L) / w.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Waits until /v1/status shows the plugin on 1.0.0 with these weights in force (and ACTIVE unless a key is refused). */
  void awaitWeights(int w1, int w2) {
    await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
      JsonNode p = node.pluginStatus(PLUGIN);
      // a refused desired-state value shows FAILED with the key and the reason while the last valid state serves
      assertThat(p.path("state").asText()).as(p.toString()).isEqualTo(p.path("error").isNull() ? "ACTIVE" : "FAILED");
      assertThat(p.path("version").asText()).as(p.toString()).isEqualTo("1.0.0");
      assertThat(p.path("traffic").path("versions").path("1.0.0").path("weight").asInt(-1)).as(p.toString()).isEqualTo(w1);
      assertThat(p.path("traffic").path("versions").path("2.0.0").path("weight").asInt(-1)).as(p.toString()).isEqualTo(w2);
    });
    System.out.println("weights " + w1 + "/" + w2 + " in force at " + elapsed());
  }

  @Test
  void callsShiftZeroTenFiftyHundredPercentThroughEtcdAndTheAgentUnderLoadWithPinsKeptAndNoFailedRequest() throws Exception {
    node = new AgentNode(tmp, SVC, "node-1", ETCD.endpoints(), null, null).startHost().startAgent();
    String jar2 = Dist.plugin(PLUGIN, "2.0.0").toString();
    assertThat(ctl("set-artifact", SVC, PLUGIN, Dist.plugin(PLUGIN, "1.0.0").toString())).isZero();
    assertThat(ctl("enable", SVC, PLUGIN)).isZero();
    await().atMost(LONG).ignoreExceptions().until(() -> node.marker().equals(Optional.of(V1)));
    System.out.println("1.0.0 serving at " + elapsed());

    AtomicBoolean pinning = new AtomicBoolean(true);
    AtomicLong pinned = new AtomicLong();
    List<String> pinViolations = new CopyOnWriteArrayList<>();
    Thread pinner = new Thread(() -> {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      while (pinning.get()) {
        for (String[] pin : new String[][] {{"v1", V1}, {"v2", V2}}) {
          try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.hostPort + "/"))
                .header("x-deployment-id", pin[0]).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            String got = r.headers().firstValue("X-Switchboard-Plugin").orElse("(none)");
            pinned.incrementAndGet();
            if (r.statusCode() != 200 || !pin[1].equals(got)) pinViolations.add(pin[0] + " -> " + r.statusCode() + " " + got);
            Thread.sleep(2);
          } catch (Exception e) {
            pinViolations.add(pin[0] + " -> " + e);
          }
        }
      }
    }, "pinned-client");
    pinner.setDaemon(true);

    try (KeySpace etcd = KeySpaces.etcd(EtcdOptions.builder(ETCD.endpoints()).operationTimeout(Duration.ofSeconds(14)).build());
        Load load = new Load(node.hostPort, 3)) {
      // 0 %: 2.0.0 live beside 1.0.0 with no share; pins already route to it
      assertThat(ctl("traffic", SVC, PLUGIN, jar2, "--weights", "1.0.0=100,2.0.0=0",
          "--pin-header", "x-deployment-id", "--pin", "v1=1.0.0,v2=2.0.0")).isZero();
      awaitWeights(100, 0);
      pinner.start();
      Map<String, Long> w0 = load.window(600);
      assertThat(w0).as("0 %%: every unpinned request on 1.0.0").containsOnlyKeys(V1);

      // 10 %: a re-weight (no jar: the split's artifact and pins stay)
      assertThat(ctl("traffic", SVC, PLUGIN, "--weights", "1.0.0=90,2.0.0=10")).isZero();
      awaitWeights(90, 10);
      Map<String, Long> w10 = load.window(1_500);
      assertThat(share(w10, V2)).as("10 %% of 1500 on 2.0.0, tolerance ±5 points (> 6 standard deviations): %s", w10).isBetween(5.0, 15.0);
      assertThat(w10).containsOnlyKeys(V1, V2);

      // 50 %
      assertThat(ctl("traffic", SVC, PLUGIN, "--weights", "1.0.0=50,2.0.0=50")).isZero();
      awaitWeights(50, 50);
      Map<String, Long> w50 = load.window(1_500);
      assertThat(share(w50, V2)).as("50 %% of 1500, tolerance ±6 points (> 4.6 standard deviations): %s", w50).isBetween(44.0, 56.0);

      // status and metrics show both versions with their call counts
      JsonNode traffic = node.pluginStatus(PLUGIN).path("traffic");
      System.out.println("/v1/status traffic at 50 %: " + traffic);
      assertThat(traffic.path("versions").path("1.0.0").path("calls").asLong()).isPositive();
      assertThat(traffic.path("versions").path("2.0.0").path("calls").asLong()).isPositive();
      assertThat(traffic.path("versions").path("2.0.0").path("sha256").asText()).isEqualTo(Stores.sha256(Dist.plugin(PLUGIN, "2.0.0")));
      assertThat(traffic.path("pin").path("header").asText()).isEqualTo("x-deployment-id");
      String metrics = node.metrics();
      for (String v : List.of("1.0.0", "2.0.0")) {
        assertThat(metrics).containsPattern("switchboard_plugin_traffic_calls\\{[^}]*plugin=\"" + PLUGIN + "\"[^}]*version=\"" + v + "\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("switchboard_plugin_traffic_weight\\{[^}]*plugin=\"" + PLUGIN + "\"[^}]*version=\"" + v + "\"[^}]*} 50");
        assertThat(metrics).containsPattern("switchboard_plugin_active\\{[^}]*plugin=\"" + PLUGIN + "\"[^}]*version=\"" + v + "\"[^}]*} 1");
      }
      JsonNode statusKey = Stores.json(etcd, Stores.statusKey(SVC, "node-1", PLUGIN)).orElseThrow();
      assertThat(statusKey.path("traffic").path("versions").path("2.0.0").path("weight").asInt()).as(statusKey.toString()).isEqualTo(50);

      // a malformed value: refused with the key and the reason, the split in force stays, nothing else moves
      String trafficKey = Stores.pluginKey(SVC, PLUGIN, "traffic");
      Stores.put(etcd, trafficKey, "{\"versions\":{\"1.0.0\":100}}");
      await().atMost(LONG).ignoreExceptions().untilAsserted(() ->
          assertThat(node.pluginStatus(PLUGIN).path("error").asText()).contains(trafficKey).contains("exactly two versions"));
      awaitWeights(50, 50);
      assertThat(share(load.window(600), V2)).as("the split in force is undisturbed").isBetween(40.0, 60.0);

      // 100 %
      assertThat(ctl("traffic", SVC, PLUGIN, jar2, "--weights", "1.0.0=0,2.0.0=100",
          "--pin-header", "x-deployment-id", "--pin", "v1=1.0.0,v2=2.0.0")).isZero();
      awaitWeights(0, 100);
      assertThat(node.pluginStatus(PLUGIN).path("error").isNull()).as("the valid value cleared the refusal").isTrue();
      Map<String, Long> w100 = load.window(600);
      assertThat(w100).as("100 %%: every unpinned request on 2.0.0").containsOnlyKeys(V2);

      pinning.set(false); // after the promotion one version is left: pins have nothing to choose from
      pinner.join(15_000);
      assertThat(ctl("promote", SVC, PLUGIN)).isZero();
      await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
        JsonNode p = node.pluginStatus(PLUGIN);
        assertThat(p.path("version").asText()).as(p.toString()).isEqualTo("2.0.0");
        assertThat(p.has("traffic")).as(p.toString()).isFalse();
        assertThat(p.path("state").asText()).isEqualTo("ACTIVE");
      });
      assertThat(load.window(300)).containsOnlyKeys(V2);
      assertThat(Stores.json(etcd, Stores.pluginKey(SVC, PLUGIN, "artifact")).orElseThrow().path("version").asText()).isEqualTo("2.0.0");
      assertThat(Stores.json(etcd, trafficKey)).as("the traffic key is gone").isEmpty();
      assertThat(node.metrics()).doesNotContain("switchboard_plugin_traffic_calls{");

      assertThat(load.failures).as("failed requests").isEmpty();
      System.out.println("load: " + load.requests.get() + " requests " + load.snapshot() + "; pinned requests: " + pinned.get());
    } finally {
      pinning.set(false);
      pinner.join(15_000);
    }
    assertThat(pinned.get()).as("pinned requests sent").isGreaterThan(100);
    assertThat(pinViolations).as("pinned requests off their version").isEmpty();
  }
}
