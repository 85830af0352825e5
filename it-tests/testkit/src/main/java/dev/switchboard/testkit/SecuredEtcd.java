package dev.switchboard.testkit;

import dev.switchboard.testkit.internal.LocalProcessBackend;
import dev.switchboard.testkit.internal.ManagedNode;
import dev.switchboard.testkit.internal.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A single etcd member that requires TLS client certificates and has authentication enabled: the
 * way production clusters run. Certificates are generated at start ({@link #pki()}); the user
 * {@code root} exists (its client certificate, CN {@code root}, authenticates it without a
 * password) and {@code auth enable} has run. Add users and roles with {@link #etcdctl}.
 *
 * <p>Runs the local {@code etcd} binary in both test kit modes (and {@code etcdctl} for set-up).
 */
public final class SecuredEtcd extends ServerGroup {
  private volatile Path dir;
  private volatile TestCertificates pki;
  private volatile TestCertificates.Pair root;
  private volatile int clientPort;
  private volatile boolean authEnabled;

  private SecuredEtcd() {
    super(1, "secured etcd");
  }

  public static SecuredEtcd create() {
    return new SecuredEtcd();
  }

  /** {@code https://127.0.0.1:<port>} */
  public String endpoint() {
    return "https://127.0.0.1:" + clientPort;
  }

  public TestCertificates pki() {
    return pki;
  }

  /** The administrator's client certificate (CN root). */
  public TestCertificates.Pair rootClient() {
    return root;
  }

  /** The member, to stop, kill or restart it. */
  public ServerControl member() {
    return node(0);
  }

  @Override
  List<ManagedNode> createNodes(int attempt) {
    try {
      dir = Files.createTempDirectory("switchboard-testkit-secured-etcd-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pki = TestCertificates.create(dir.resolve("pki"));
    TestCertificates.Pair server = pki.server("etcd-server");
    root = pki.client("root");
    clientPort = Ports.free();
    int peerPort = Ports.free();
    String client = "https://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command = List.of(
        TestkitSettings.etcdBinary(),
        "--name=secured",
        "--data-dir=" + dir.resolve("data"),
        "--listen-client-urls=" + client,
        "--advertise-client-urls=" + client,
        "--listen-peer-urls=" + peer,
        "--initial-advertise-peer-urls=" + peer,
        "--initial-cluster=secured=" + peer,
        "--initial-cluster-state=new",
        "--client-cert-auth",
        "--trusted-ca-file=" + pki.caFile(),
        "--cert-file=" + server.cert(),
        "--key-file=" + server.key(),
        "--auth-token=simple",
        "--logger=zap",
        "--log-outputs=stderr");
    authEnabled = false;
    LocalProcessBackend backend = new LocalProcessBackend("etcd-secured", command, Map.of(), dir.resolve("work"), TestkitSettings.keepData());
    return List.of(new ManagedNode("etcd-secured", backend, this::readyAndAuthEnabled, TestkitSettings.startTimeout()));
  }

  private boolean readyAndAuthEnabled() {
    if (!healthy()) {
      return false;
    }
    if (!authEnabled) {
      etcdctl("user", "add", "root", "--no-password");
      etcdctl("auth", "enable");
      authEnabled = true;
    }
    return true;
  }

  private boolean healthy() {
    try {
      HttpClient http = HttpClient.newBuilder().sslContext(pki.sslContext(root)).connectTimeout(Duration.ofSeconds(1)).build();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/health")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().replace(" ", "").contains("\"health\":\"true\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Runs {@code etcdctl} as root (client certificate CN root) against this member and returns its
   * output; fails with the output when it exits non-zero.
   */
  public String etcdctl(String... args) {
    return etcdctlWithInput(null, args);
  }

  /** As {@link #etcdctl}, writing {@code stdin} (e.g. a password for {@code --interactive=false}) to its input. */
  public String etcdctlWithInput(String stdin, String... args) {
    List<String> cmd = new ArrayList<>(List.of(etcdctlBinary(), "--endpoints=" + endpoint(), "--cacert=" + pki.caFile(),
        "--cert=" + root.cert(), "--key=" + root.key()));
    cmd.addAll(List.of(args));
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("ETCDCTL_API", "3");
      Process p = pb.start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new TestkitException(TestkitException.Code.START_FAILED, "etcdctl " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException(TestkitException.Code.START_FAILED, "interrupted", e);
    }
  }

  /** Adds {@code user} with {@code password} and grants it {@code roles} (which must exist). */
  public void addUser(String user, String password, String... roles) {
    etcdctlWithInput(password + "\n", "user", "add", user, "--interactive=false");
    for (String r : roles) {
      etcdctl("user", "grant-role", user, r);
    }
  }

  private static String etcdctlBinary() {
    String etcd = TestkitSettings.etcdBinary();
    return etcd.contains("/") ? Path.of(etcd).resolveSibling("etcdctl").toString() : "etcdctl";
  }

  @Override
  String describe() {
    return "secured etcd " + endpoint() + " (client certificates, auth enabled; files in " + dir + ")";
  }
}
