package dev.switchboard.testkit;

import dev.switchboard.testkit.internal.ManagedNode;
import dev.switchboard.testkit.internal.Ports;
import dev.switchboard.testkit.internal.Probes;
import dev.switchboard.testkit.internal.ZooKeeperNodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A standalone ZooKeeper with SASL (DIGEST-MD5) authentication and a digest super user, for ACL
 * tests: users and their passwords are given up front (the server's JAAS file lists them). The
 * super user ({@link #SUPER}, password {@link #superPassword()}) authenticates with the digest
 * scheme and may change every node's ACL.
 *
 * <p>Runs as a local Java process in both test kit modes.
 */
public final class SecuredZooKeeper extends ServerGroup {
  public static final String SUPER = "super";

  private final Map<String, String> users;
  private final boolean tls;
  private volatile int securePort;
  private volatile TestCertificates pki;
  private final String superPassword = "super-" + Long.toHexString(System.nanoTime());
  private volatile int clientPort;
  private volatile Path dir;

  private SecuredZooKeeper(Map<String, String> users, boolean tls) {
    super(1, "secured zookeeper");
    this.users = Map.copyOf(users);
    this.tls = tls;
  }

  /**
   * With SASL users and, besides the plain port, a TLS client port ({@link #secureConnectString()})
   * that requires a client certificate from {@link #pki()} (Netty server connection factory).
   */
  public static SecuredZooKeeper withTls(Map<String, String> users) {
    return new SecuredZooKeeper(new LinkedHashMap<>(users), true);
  }

  public String secureConnectString() {
    return "127.0.0.1:" + securePort;
  }

  public TestCertificates pki() {
    return pki;
  }

  /** With SASL users {@code user → password}. */
  public static SecuredZooKeeper withUsers(Map<String, String> users) {
    return new SecuredZooKeeper(new LinkedHashMap<>(users), false);
  }

  public String connectString() {
    return "127.0.0.1:" + clientPort;
  }

  public String superPassword() {
    return superPassword;
  }

  public ServerControl server() {
    return node(0);
  }

  @Override
  List<ManagedNode> createNodes(int attempt) {
    try {
      dir = Files.createTempDirectory("switchboard-testkit-secured-zk-");
      StringBuilder jaas = new StringBuilder("Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n");
      for (Map.Entry<String, String> u : users.entrySet()) {
        jaas.append("  user_").append(u.getKey()).append("=\"").append(u.getValue()).append("\"\n");
      }
      jaas.append(";\n};\n");
      Path jaasFile = dir.resolve("jaas.conf");
      Files.writeString(jaasFile, jaas.toString());
      clientPort = Ports.free();
      String cfg = "authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider\n";
      if (tls) {
        pki = TestCertificates.create(dir.resolve("pki"));
        TestCertificates.Pair server = pki.server("zk-server");
        Path keyStore = dir.resolve("zk-server-keystore.pem");
        Files.writeString(keyStore, Files.readString(server.key()) + Files.readString(server.cert()));
        securePort = Ports.free();
        cfg += "secureClientPort=" + securePort + "\n"
            + "secureClientPortAddress=127.0.0.1\n"
            + "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\n"
            + "ssl.keyStore.location=" + keyStore + "\n"
            + "ssl.keyStore.type=PEM\n"
            + "ssl.trustStore.location=" + pki.caFile() + "\n"
            + "ssl.trustStore.type=PEM\n"
            + "ssl.clientAuth=need\n";
      }
      List<String> flags = new ArrayList<>(List.of(
          "-Djava.security.auth.login.config=" + jaasFile,
          "-Dzookeeper.DigestAuthenticationProvider.superDigest=" + SUPER + ":" + digest(SUPER, superPassword)));
      int port = clientPort;
      return List.of(ZooKeeperNodes.secured("zk-secured", dir.resolve("work"), port, cfg, flags, () -> Probes.zooKeeperServing(port)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String digest(String user, String password) {
    try {
      byte[] sha = MessageDigest.getInstance("SHA1").digest((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(sha);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  String describe() {
    return "secured zookeeper " + connectString() + " (SASL users " + users.keySet() + ", files in " + dir + ")";
  }
}
