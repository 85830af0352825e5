package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.SecuredEtcd;
import dev.switchboard.testkit.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code switchboard ctl} against an etcd requiring client certificates and users: etcdctl's flag
 * names, exit 0/1/2, and an error naming the cause for each misconfiguration.
 */
class CtlSecuredEtcdIT {
  @RegisterExtension static final SecuredEtcd etcd = SecuredEtcd.create();

  static TestCertificates.Pair client;
  static Path operatorPw;
  static Path agentPw;

  record Result(int exit, String out, String err) {}

  @BeforeAll
  static void users() throws Exception {
    client = etcd.pki().client("switchboard-client");
    etcd.etcdctl("role", "add", "switchboard-operator");
    etcd.etcdctl("role", "grant-permission", "switchboard-operator", "readwrite", "/switchboard/services/", "--prefix=true");
    etcd.etcdctl("role", "grant-permission", "switchboard-operator", "read", "/switchboard/status/", "--prefix=true");
    etcd.etcdctl("role", "add", "switchboard-agent-checkout-node-1");
    etcd.etcdctl("role", "grant-permission", "switchboard-agent-checkout-node-1", "read", "/switchboard/services/checkout/", "--prefix=true");
    etcd.addUser("operator", "op-pw", "switchboard-operator");
    etcd.addUser("agent-checkout-node-1", "agent-pw", "switchboard-agent-checkout-node-1");
    operatorPw = etcd.pki().dir().resolve("op.pw");
    Files.writeString(operatorPw, "op-pw\n");
    agentPw = etcd.pki().dir().resolve("agent.pw");
    Files.writeString(agentPw, "agent-pw\n");
  }

  static Result ctl(String... args) {
    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      List<String> all = new ArrayList<>(List.of("ctl"));
      all.addAll(List.of(args));
      int exit = Main.run(all.toArray(String[]::new));
      return new Result(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
  }

  static String[] tls(Path ca, TestCertificates.Pair cert, String user, Path password, String... rest) {
    List<String> l = new ArrayList<>(List.of("--etcd", etcd.endpoint(), "--cacert", ca.toString(), "--cert", cert.cert().toString(),
        "--key", cert.key().toString(), "--user", user, "--password-file", password.toString()));
    l.addAll(0, List.of(rest));
    return l.toArray(String[]::new);
  }

  @Test
  void anOperatorEnablesAPluginWithEtcdctlStyleFlags() {
    Result r = ctl(tls(etcd.pki().caFile(), client, "operator", operatorPw, "enable", "checkout", "rate-limit"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(etcd.etcdctl("get", "/switchboard/services/checkout/plugins/rate-limit/enabled")).contains("true");
  }

  @Test
  void withAgentCredentialsWritingDesiredStateFailsWithPermissionDenied() {
    Result r = ctl(tls(etcd.pki().caFile(), client, "agent-checkout-node-1", agentPw, "enable", "checkout", "p2"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("permission denied");
  }

  @Test
  void aWrongCaFailsWithExitOneNamingTheCa() {
    TestCertificates other = TestCertificates.create(etcd.pki().dir().resolve("other-ctl"), "other-ca");
    Result r = ctl(tls(other.caFile(), client, "operator", operatorPw, "enable", "checkout", "p3"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("tls.ca");
  }

  @Test
  void aWrongPasswordFailsWithExitOneAndNeverPrintsIt() throws Exception {
    Path wrong = etcd.pki().dir().resolve("wrong-ctl.pw");
    Files.writeString(wrong, "guessed-pw\n");
    Result r = ctl(tls(etcd.pki().caFile(), client, "operator", wrong, "enable", "checkout", "p4"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("authentication failed").doesNotContain("guessed-pw");
    assertThat(r.out()).doesNotContain("guessed-pw");
  }

  @Test
  void anUnreadableKeyFileFailsWithExitOneNamingTheFile() {
    Path missing = etcd.pki().dir().resolve("no-such-key.pem");
    TestCertificates.Pair broken = new TestCertificates.Pair(client.cert(), missing);
    Result r = ctl(tls(etcd.pki().caFile(), broken, "operator", operatorPw, "enable", "checkout", "p5"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains(missing.toString());
  }

  @Test
  void aPasswordOnTheCommandLineIsNotAFlag() {
    Result r = ctl("enable", "checkout", "p6", "--etcd", etcd.endpoint(), "--user", "operator", "--password", "op-pw");
    assertThat(r.exit()).isEqualTo(2);
  }

  @Test
  void theConsoleWatchesASecuredEtcdWithTheSameFlagsAsCtl() throws Exception {
    etcd.etcdctl("put", "/switchboard/services/checkout/plugins/watched/enabled", "true");
    List<String> args = new ArrayList<>(List.of(tls(etcd.pki().caFile(), client, "operator", operatorPw)));
    try (ConsoleIT.Running console = new ConsoleIT.Running(args.toArray(String[]::new)).awaitListening()) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
        String doc = http.send(java.net.http.HttpRequest.newBuilder(console.uri("/v1/fleet")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(doc).contains("\"connection\":\"connected\"", "\"synced\":true", "\"plugin\":\"watched\"", "\"enabled\":\"true\"");
      });
    }
  }
}
