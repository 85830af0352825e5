package dev.switchboard.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.sidecar.config.AgentConfig;
import dev.switchboard.sidecar.config.ConfigLoader;
import dev.switchboard.testkit.SecuredEtcd;
import dev.switchboard.testkit.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent, from its YAML, against an etcd requiring client certificates and users, with the
 * least-privilege agent role: it connects and publishes its own status; a wrong CA or password is
 * named in its HTTP status while it keeps serving. (The host here is a non-JVM process: attaching
 * is not what this test is about, and the agent keeps retrying it.)
 */
class AgentSecuredEtcdIT {
  @RegisterExtension static final SecuredEtcd etcd = SecuredEtcd.create();
  static TestCertificates.Pair client;
  static Path agentPw;
  @TempDir Path tmp;
  Process host;

  @BeforeAll
  static void roles() throws Exception {
    client = etcd.pki().client("switchboard-agent");
    etcd.etcdctl("role", "add", "switchboard-agent-checkout-node-1");
    etcd.etcdctl("role", "grant-permission", "switchboard-agent-checkout-node-1", "read", "/switchboard/services/checkout/", "--prefix=true");
    etcd.etcdctl("role", "grant-permission", "switchboard-agent-checkout-node-1", "readwrite", "/switchboard/status/checkout/node-1/", "--prefix=true");
    etcd.addUser("agent-checkout-node-1", "agent-pw", "switchboard-agent-checkout-node-1");
    agentPw = etcd.pki().dir().resolve("agent-sidecar.pw");
    Files.writeString(agentPw, "agent-pw\n");
  }

  @BeforeEach
  void host() throws Exception {
    host = new ProcessBuilder("sleep", "600").start();
  }

  @AfterEach
  void stopHost() {
    host.destroy();
  }

  AgentConfig config(Path ca, Path password) throws Exception {
    Path yaml = tmp.resolve("agent.yaml");
    Files.writeString(yaml, "service: checkout\nnode: node-1\n"
        + "etcd:\n  endpoints: [" + etcd.endpoint() + "]\n"
        + "  tls: {ca: " + ca + ", cert: " + client.cert() + ", key: " + client.key() + "}\n"
        + "  user: agent-checkout-node-1\n  passwordFile: " + password + "\n"
        + "host: {pid: " + host.pid() + "}\n"
        + "cacheDir: " + tmp.resolve("cache") + "\ncontrolDir: " + tmp.resolve("ctl") + "\n"
        + "http: {listen: 127.0.0.1:0}\nruntimeJar: " + tmp.resolve("runtime.jar") + "\n");
    return ConfigLoader.load(Map.of(), List.of("--config", yaml.toString()));
  }

  static JsonNode status(int port) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/status")).build(), HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(r.body());
  }

  @Test
  void theAgentConnectsWithItsCertificateAndPasswordAndPublishesItsOwnStatus() throws Exception {
    try (Sidecar agent = Sidecar.start(config(etcd.pki().caFile(), agentPw))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> status(agent.httpPort()).path("agent").path("stores").path("etcd").asText().equals("connected"));
      await().atMost(Duration.ofSeconds(30)).until(() -> etcd.etcdctl("get", "/switchboard/status/checkout/node-1/agent", "--print-value-only").contains("\"stores\""));
    }
  }

  @Test
  void aWrongCaIsNamedInTheAgentsStatusAndTheAgentKeepsServing() throws Exception {
    TestCertificates other = TestCertificates.create(tmp.resolve("other"), "other-ca");
    try (Sidecar agent = Sidecar.start(config(other.caFile(), agentPw))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> status(agent.httpPort()).path("agent").path("stores").path("etcd").asText().contains("tls.ca"));
    }
  }

  @Test
  void aWrongPasswordIsNamedInTheAgentsStatusWithoutThePassword() throws Exception {
    Path wrong = tmp.resolve("wrong.pw");
    Files.writeString(wrong, "nope-pw\n");
    try (Sidecar agent = Sidecar.start(config(etcd.pki().caFile(), wrong))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> status(agent.httpPort()).path("agent").path("stores").path("etcd").asText().contains("authentication failed"));
      assertThat(status(agent.httpPort()).toString()).doesNotContain("nope-pw");
    }
  }
}
