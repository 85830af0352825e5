package dev.switchboard.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testkit.Dist;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.Proc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes driven only through {@code switchboard ctl}: artifact, enable, canary, promote, per-node override, status. */
class CanaryCtlIT {
  @RegisterExtension static final EtcdCluster ETCD = EtcdCluster.single();
  static final Duration LONG = Duration.ofSeconds(60);

  @TempDir Path tmp;
  final List<AgentNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(AgentNode::close);
  }

  record Result(int exit, String output) {}

  Result ctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("-jar", Dist.cli().toString(), "ctl"));
    cmd.addAll(List.of(args));
    cmd.add("--etcd");
    cmd.add(ETCD.endpoints());
    try (Proc p = Proc.start("ctl", Path.of("target", "it-logs", "ctl").toAbsolutePath(), Proc.java(cmd.toArray(String[]::new)))) {
      for (int i = 0; i < 600 && p.alive(); i++) Thread.sleep(100);
      Thread.sleep(100); // let the output pump finish
      Result r = new Result(p.exitCode().orElseThrow(() -> new AssertionError("ctl did not exit")), p.output());
      System.out.println("$ switchboard ctl " + String.join(" ", args) + "  -> exit " + r.exit());
      return r;
    }
  }

  @Test
  void aCanaryServesVersion2OnItsNodesAndVersion1ElsewhereAllThroughCtl() throws Exception {
    String svc = "shop";
    AgentNode a = new AgentNode(tmp, svc, "node-a", ETCD.endpoints(), null, null);
    AgentNode b = new AgentNode(tmp, svc, "node-b", ETCD.endpoints(), null, null);
    nodes.add(a);
    nodes.add(b);
    a.startHost().startAgent();
    b.startHost().startAgent();

    Result set = ctl("set-artifact", svc, "response-header", Dist.plugin("response-header", "1.0.0").toString());
    assertThat(set.exit()).as(set.output()).isZero();
    assertThat(set.output()).contains("\"version\":\"1.0.0\"").contains(Stores.sha256(Dist.plugin("response-header", "1.0.0")));
    assertThat(ctl("enable", svc, "response-header").exit()).isZero();
    await().atMost(LONG).ignoreExceptions().until(() -> a.marker().equals(Optional.of("response-header/1.0.0")) && b.marker().equals(Optional.of("response-header/1.0.0")));

    assertThat(ctl("canary", svc, "response-header", Dist.plugin("response-header", "2.0.0").toString(), "--nodes", "node-a").exit()).isZero();
    await().atMost(LONG).ignoreExceptions().until(() -> a.marker().equals(Optional.of("response-header/2.0.0")));
    assertThat(b.marker()).contains("response-header/1.0.0");

    Result status = ctl("status", svc, "--json");
    assertThat(status.exit()).isZero();
    String out = status.output();
    int start = out.indexOf("\n[") >= 0 ? out.indexOf("\n[") + 1 : out.indexOf('[');
    JsonNode fleet = AgentNode.JSON.readTree(out.substring(start, out.lastIndexOf(']') + 1));
    assertThat(fleet).hasSize(2);
    for (JsonNode n : fleet) {
      String expected = n.path("node").asText().equals("node-a") ? "2.0.0" : "1.0.0";
      assertThat(n.path("plugins").get(0).path("version").asText()).isEqualTo(expected);
      assertThat(n.path("agent").path("attached").asBoolean()).isTrue();
    }
    Result table = ctl("status");
    assertThat(table.output()).contains("SERVICE").contains("node-a").contains("node-b").contains("ACTIVE");

    assertThat(ctl("promote", svc, "response-header").exit()).isZero();
    await().atMost(LONG).ignoreExceptions().until(() -> b.marker().equals(Optional.of("response-header/2.0.0")));
    assertThat(a.marker()).contains("response-header/2.0.0");

    assertThat(ctl("disable", svc, "response-header", "--node", "node-b").exit()).isZero();
    await().atMost(LONG).ignoreExceptions().until(() -> b.marker().isEmpty());
    assertThat(a.marker()).isPresent();

    assertThat(ctl("set-config", svc, "response-header", "{\"header\": ").exit()).as("invalid JSON is a usage error").isEqualTo(2);
    assertThat(ctl("set-config", svc, "response-header", "{\"header\":\"X-Canary\"}").exit()).isZero();
    await().atMost(LONG).ignoreExceptions().until(() -> Http.get(a.hostPort, "/").headers().firstValue("X-Canary").isPresent());
    assertThat(ctl("abort", svc, "response-header").exit()).as("no canary left to abort").isEqualTo(1);
    assertThat(ctl("enable", "Not_A_Name", "response-header").exit()).isEqualTo(2);
  }
}
