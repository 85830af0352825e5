package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.control.internal.Json;
import dev.switchboard.testkit.Dist;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An unmodified ZooKeeper 3.9 server ({@code java -cp <its jars> org.apache.zookeeper.server.ZooKeeperServerMain
 * zoo.cfg}: no Switchboard jar, no extension point) watched by the zookeeper-slow-requests advice plugin attached live
 * with {@code switchboard host activate}. Under a threshold no request reaches, a client's requests are timed and none
 * is recorded; a new config naming a port that is taken is refused and the old one stays in force; with the threshold
 * set to 0 and another port live (same instance, no restart, the old port closed), each request of the client shows on
 * the new port with its operation, path and session. After deactivation the port is closed, the woven class's
 * installed bytes are the original ones again, the plugin's loader is collected, and the client's one session was
 * answered throughout without a disconnect. On JDK 17 and JDK 25, as {@link JettyAdviceIT}.
 */
class ZooKeeperAdviceIT {
  static final String PLUGIN = "zookeeper-slow-requests";
  static final String WOVEN = "org.apache.zookeeper.server.FinalRequestProcessor";
  @TempDir Path controlDir;
  @TempDir Path work;

  @ParameterizedTest(name = "ZooKeeper on JDK {0}")
  @ValueSource(ints = {17, 25})
  void aPluginRecordsTheSlowRequestsOfAnUnmodifiedZooKeeperAndIsRemovedWithoutARestart(int jdk) throws Exception {
    assumeTrue(jdk != 25 || Jdks.java25Available(), "Temurin 25 not installed at " + Jdks.JAVA25);
    String java = dev.switchboard.testkit.Jdks.java(jdk);
    int firstPort = RestartPolicyIT.freePort();
    Path jar = Dist.plugin(PLUGIN, "1.0.0");

    try (HostProcess server = HostProcess.zooKeeper(java, work, RestartPolicyIT.freePort());
        Client client = new Client(server.port)) {
      ZooKeeper zk = client.zk;
      zk.create("/advice-it", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      HostCli cli = new HostCli(controlDir, server.pid());

      Cli.Result a = cli.activate(jar, "--config", "{\"thresholdMillis\":600000,\"port\":" + firstPort + "}");
      assertThat(a.exit()).as(a.toString()).isZero();
      assertThat(a.stdout()).contains(PLUGIN).contains("ACTIVE");
      Map<String, Object> woven = MethodAdviceIT.wovenClass(MethodAdviceIT.advice(cli.statusJson()), WOVEN);
      assertThat(woven).containsEntry("restored", false);
      long timedBefore = (Long) records(firstPort).get("timed");
      requests(zk, "/advice-it/under");
      await("the five requests under the threshold timed").atMost(Duration.ofSeconds(30))
          .until(() -> (Long) records(firstPort).get("timed") >= timedBefore + 5);
      assertThat(records(firstPort)).containsEntry("thresholdMillis", 600000.0).containsEntry("recorded", 0L)
          .containsEntry("slow", List.of());

      try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        Cli.Result refused = cli.activate(jar, "--config", "{\"thresholdMillis\":0,\"port\":" + taken.getLocalPort() + "}");
        assertThat(refused.exit()).as(refused.toString()).isNotZero();
        assertThat(HostCli.plugins(cli.statusJson()).get(PLUGIN)).containsEntry("state", "ACTIVE")
            .extractingByKey("error").asString().contains("config rejected").contains("port " + taken.getLocalPort());
      }
      assertThat(records(firstPort)).as("the config in force before the refused one").containsEntry("thresholdMillis", 600000.0);

      int newPort = RestartPolicyIT.freePort();
      Cli.Result live = cli.activate(jar, "--config", "{\"thresholdMillis\":0,\"keep\":50,\"port\":" + newPort + "}");
      assertThat(live.exit()).as(live.toString()).isZero();
      assertThat(HostCli.starts(cli.statusJson(), PLUGIN)).as("the new config applied live, not by a restart").isEqualTo(1);
      assertClosed(firstPort);
      requests(zk, "/advice-it/slow");
      String session = "0x" + Long.toHexString(zk.getSessionId());
      Map<String, Object> records = await("the last request recorded").atMost(Duration.ofSeconds(30))
          .until(() -> records(newPort), r -> slow(r).stream().anyMatch(s -> "delete".equals(s.get("op"))));
      System.out.println("zookeeper-slow-requests: " + Json.write(records));
      assertThat(records).containsEntry("plugin", PLUGIN + "/1.0.0").containsEntry("thresholdMillis", 0.0).containsEntry("keep", 50L);
      assertThat((Long) records.get("timed")).as("the same instance counts on").isGreaterThanOrEqualTo(timedBefore + 10);
      List<Map<String, Object>> mine = slow(records).stream().filter(s -> session.equals(s.get("session"))).toList();
      assertThat(mine).extracting(s -> s.get("op") + " " + s.get("path"))
          .containsSubsequence("create /advice-it/slow", "getData /advice-it/slow", "setData /advice-it/slow",
              "delete /advice-it/slow")
          .noneMatch(s -> s.contains("/advice-it/under"));
      assertThat(mine).allSatisfy(s -> assertThat((Long) s.get("millis")).isNotNegative());

      Cli.Result d = cli.deactivate(PLUGIN);
      assertThat(d.exit()).as(d.toString()).isZero();
      assertThat(cli.settledUnload(PLUGIN)).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
      assertClosed(newPort);
      Map<String, Object> after = MethodAdviceIT.advice(cli.statusJson());
      assertThat(after).containsEntry("sites", 0L).containsEntry("liveAdvice", 0L).containsEntry("wovenClasses", 0L);
      assertThat(MethodAdviceIT.wovenClass(after, WOVEN)).as("the original bytes are installed again")
          .containsEntry("restored", true).containsEntry("current", woven.get("original"));

      requests(zk, "/advice-it/after");
      assertThat(new String(zk.getData("/advice-it", false, null), StandardCharsets.UTF_8)).isEmpty();
      assertThat("0x" + Long.toHexString(zk.getSessionId())).isEqualTo(session);
      assertThat(client.states).as("the client's session was answered throughout").containsOnly(KeeperState.SyncConnected);
      assertThat(server.process.isAlive()).isTrue();
    }
  }

  /** create, getData, setData, delete and exists on {@code path}, each answered by the server. */
  private static void requests(ZooKeeper zk, String path) throws Exception {
    assertThat(zk.create(path, "v1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)).isEqualTo(path);
    assertThat(new String(zk.getData(path, false, null), StandardCharsets.UTF_8)).isEqualTo("v1");
    assertThat(zk.setData(path, "v2".getBytes(StandardCharsets.UTF_8), 0).getVersion()).isEqualTo(1);
    zk.delete(path, 1);
    assertThat(zk.exists(path, false)).isNull();
  }

  private static void assertClosed(int port) {
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
        .as("the plugin's port " + port + " is closed").isInstanceOf(ConnectException.class);
  }

  /** The plugin's JSON, from its own port. */
  private static Map<String, Object> records(int port) {
    HttpResponse<String> r = Http.get(port, "/", Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.parseObject(r.body());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> slow(Map<String, Object> records) {
    return (List<Map<String, Object>>) (List<?>) records.get("slow");
  }

  /** One ZooKeeper client session; every connection state it sees is kept. */
  private static final class Client implements AutoCloseable {
    final List<KeeperState> states = new CopyOnWriteArrayList<>();
    final ZooKeeper zk;

    Client(int port) throws Exception {
      CountDownLatch connected = new CountDownLatch(1);
      zk = new ZooKeeper("127.0.0.1:" + port, 20_000, e -> {
        if (e.getType() != org.apache.zookeeper.Watcher.Event.EventType.None) return;
        states.add(e.getState());
        if (e.getState() == KeeperState.SyncConnected) connected.countDown();
      });
      if (!connected.await(30, TimeUnit.SECONDS)) {
        zk.close();
        throw new AssertionError("no ZooKeeper session on port " + port + " within 30 s: " + states);
      }
    }

    @Override
    public void close() throws InterruptedException {
      zk.close();
    }
  }
}
