package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.sidecar.reconcile.PluginReport;
import dev.switchboard.sidecar.status.AgentStatus;
import dev.switchboard.sidecar.status.StatusPublisher;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code switchboard console} against real etcd and ZooKeeper: a client of the server-sent events endpoint gets
 * the fleet at once and a new event after an agent's real {@link StatusPublisher} changes a status key (and after
 * a flag is written), with the flip listed; when ZooKeeper stops, an event says the store is not connected and keeps
 * the last known fleet; the page's files come from the jar; the console refuses writes.
 */
class ConsoleIT {
  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.single();
  @RegisterExtension static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.single();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** One console verb running in a thread of this JVM until interrupted. */
  static final class Running implements AutoCloseable {
    final Thread thread;
    final AtomicInteger exit = new AtomicInteger(-1);
    final int port;

    Running(String... args) throws IOException {
      port = freePort();
      String[] all = Stream.concat(Stream.of("console", "--listen", "127.0.0.1:" + port), Stream.of(args)).toArray(String[]::new);
      thread = new Thread(() -> exit.set(Main.run(all)), "console-under-test");
      thread.start();
    }

    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Waits until the page answers (the verb prints its URL once listening). */
    Running awaitListening() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        assertThat(thread.isAlive()).as("console verb still running (exit " + exit.get() + ")").isTrue();
        try {
          HTTP.send(HttpRequest.newBuilder(uri("/v1/fleet")).build(), HttpResponse.BodyHandlers.discarding());
          return this;
        } catch (IOException e) {
          if (System.nanoTime() > deadline) throw e;
          Thread.sleep(50);
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(10_000);
      assertThat(thread.isAlive()).as("the console ends when interrupted").isFalse();
      assertThat(exit.get()).isZero();
    }
  }

  /** The {@code fleet} events of one SSE connection, parsed, in arrival order. */
  static final class Events implements AutoCloseable {
    final BlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
    final Thread reader;
    volatile Stream<String> lines;
    JsonNode last;

    Events(URI uri) throws Exception {
      HttpResponse<Stream<String>> r = HTTP.send(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(),
          HttpResponse.BodyHandlers.ofLines());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
      lines = r.body();
      reader = new Thread(() -> {
        String event = null;
        try {
          for (String line : (Iterable<String>) lines::iterator) {
            if (line.startsWith("event: ")) event = line.substring(7);
            else if (line.startsWith("data: ") && "fleet".equals(event)) queue.add(JSON.readTree(line.substring(6)));
            else if (line.isEmpty()) event = null;
          }
        } catch (IOException | RuntimeException e) {
          // the stream ended (closed by the test)
        }
      }, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** The first event (from now on) that satisfies {@code p}; fails after 30 s naming the last event seen. */
    JsonNode await(String what, Predicate<JsonNode> p) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        JsonNode e = queue.poll(200, TimeUnit.MILLISECONDS);
        if (e == null) continue;
        last = e;
        if (p.test(e)) return e;
      }
      throw new AssertionError("no event with " + what + " within 30 s; last event: " + last);
    }

    @Override
    public void close() {
      lines.close();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }

  static PluginReport report(String state, String error) {
    return new PluginReport("rh", state, true, "1.0.0", "a".repeat(64), Instant.now().toString(), error, 1,
        state.equals("ACTIVE"), null);
  }

  static String state(JsonNode doc, String service, String node, String plugin) {
    for (JsonNode s : doc.path("services")) {
      if (!s.path("service").asText().equals(service)) continue;
      for (JsonNode n : s.path("nodes")) {
        if (!n.path("node").asText().equals(node)) continue;
        for (JsonNode p : n.path("plugins")) if (p.path("plugin").asText().equals(plugin)) return p.path("state").asText();
      }
    }
    return null;
  }

  static boolean hasFlip(JsonNode doc, String kind, String what, String from, String to) {
    for (JsonNode f : doc.path("flips")) {
      if (f.path("kind").asText().equals(kind) && f.path("what").asText().equals(what)
          && f.path("from").asText().equals(from) && f.path("to").asText().equals(to)) return true;
    }
    return false;
  }

  @Test
  void anEventStreamClientSeesTheFleetAndThenAnEventAfterAStatusChangeInEtcd() throws Exception {
    KeySpace store = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).build());
    eventAfterStatusChange(store, "--etcd=" + etcd.endpoints(), "/console-etcd");
  }

  @Test
  void anEventStreamClientSeesTheFleetAndThenAnEventAfterAStatusChangeInZooKeeper() throws Exception {
    KeySpace store = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).build());
    eventAfterStatusChange(store, "--zookeeper=" + zk.connectString(), "/console-zk", events -> {
      // the store goes away: the page keeps the last known fleet and says the store is not connected
      zk.server(0).stop();
      JsonNode down = events.await("a connection other than connected", d -> !d.path("connection").asText().equals("connected"));
      assertThat(state(down, "shop", "web-1", "rh")).isEqualTo("ACTIVE");
      zk.server(0).start();
      events.await("connected again", d -> d.path("connection").asText().equals("connected"));
    });
  }

  interface Then {
    void run(Events events) throws Exception;
  }

  private void eventAfterStatusChange(KeySpace store, String storeFlag, String root) throws Exception {
    eventAfterStatusChange(store, storeFlag, root, events -> { });
  }

  private void eventAfterStatusChange(KeySpace store, String storeFlag, String root, Then then) throws Exception {
    try (store; StatusPublisher agent = new StatusPublisher(List.of(store), root, "shop", "web-1")) {
      agent.agent(new AgentStatus("0.1.0", "0.1.0", 42L, "17", true, Map.of(store.storeName(), "connected"), Instant.now().toString()));
      agent.plugin(report("FAILED", "sha256 mismatch for http://repo/rh.jar"));
      try (Running console = new Running(storeFlag, "--root=" + root).awaitListening();
          Events events = new Events(console.uri("/v1/events"))) {
        JsonNode first = events.await("web-1 rh FAILED", d -> "FAILED".equals(state(d, "shop", "web-1", "rh")));
        assertThat(first.path("store").asText()).isEqualTo(store.storeName());
        assertThat(first.path("synced").asBoolean()).isTrue();
        JsonNode rollout = first.path("rollouts").get(0);
        assertThat(rollout.path("failing").get(0).path("error").asText()).isEqualTo("sha256 mismatch for http://repo/rh.jar");
        assertThat(rollout.path("progress").asInt()).isZero();

        agent.plugin(report("ACTIVE", null));
        JsonNode after = events.await("web-1 rh ACTIVE", d -> "ACTIVE".equals(state(d, "shop", "web-1", "rh")));
        assertThat(hasFlip(after, "state", "state", "FAILED", "ACTIVE")).as(after.path("flips").toString()).isTrue();
        assertThat(after.path("rollouts").get(0).path("progress").asInt()).isEqualTo(100);

        store.put(root + "/services/shop/plugins/rh/rollout", "{\"percent\": 50}".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        JsonNode flag = events.await("the rollout flag", d -> d.path("rollouts").get(0).path("flag").path("rollout").asText().equals("50%"));
        assertThat(hasFlip(flag, "flag", "rollout", "(none)", "50%")).as(flag.path("flips").toString()).isTrue();
        then.run(events);
      }
    }
  }

  @Test
  void thePageComesFromTheJarAndTheConsoleRefusesWrites() throws Exception {
    try (Running console = new Running("--etcd=" + etcd.endpoints(), "--root=/console-page").awaitListening()) {
      HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(console.uri("/")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
      assertThat(page.body()).contains("<script src=\"console.js\" defer></script>").doesNotContain("http://", "https://");
      for (String file : List.of("/console.js", "/console.css")) {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(console.uri(file)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(file).isEqualTo(200);
        assertThat(r.body()).as(file + " loads nothing from elsewhere").doesNotContain("http://", "https://", "@import");
      }
      HttpResponse<String> fleet = HTTP.send(HttpRequest.newBuilder(console.uri("/v1/fleet")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(JSON.readTree(fleet.body()).path("root").asText()).isEqualTo("/console-page");
      HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(console.uri("/v1/fleet")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(console.uri("/v1/events")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(head.statusCode()).as("HEAD of the event stream answers and ends").isEqualTo(200);
      assertThat(post.body()).contains("read-only");
      assertThat(HTTP.send(HttpRequest.newBuilder(console.uri("/../etc/passwd")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(404);
    }
  }
}
