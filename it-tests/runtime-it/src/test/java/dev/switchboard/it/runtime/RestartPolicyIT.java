package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The restart policy against a real sample host (JDK 17) with the fixture plugins {@code holds-port}
 * (side-by-side) and {@code holds-port-stop-first}: each holds an MBean and a TCP port and is not
 * Reconfigurable, so a config change restarts it.
 */
class RestartPolicyIT {
  static Path controlDir;
  static HostProcess host;
  static HostCli cli;

  @BeforeAll
  static void startHost() throws Exception {
    controlDir = Files.createTempDirectory("sb-restart-");
    host = HostProcess.sampleHost(Dist.java17());
    cli = new HostCli(controlDir, host.pid());
  }

  @AfterAll
  static void stopHost() throws Exception {
    if (host != null) host.close();
    if (controlDir != null) {
      try (var s = Files.list(controlDir)) {
        s.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(controlDir);
    }
  }

  static Path fixture(String id) {
    return Dist.file("plugins/fixtures/" + id + "-1.0.0.jar");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** One line from the plugin's own port. */
  static String ask(int port) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port); InputStream in = s.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }

  static String config(int port, String greeting) {
    return "{\"port\":" + port + ",\"greeting\":\"" + greeting + "\"}";
  }

  static Map<String, Object> status(String id) {
    return HostCli.plugins(cli.statusJson()).get(id);
  }

  @Test
  void aStopFirstPluginHoldingAPortAndAnMBeanIsReconfiguredByStoppingTheOldInstanceFirst() throws Exception {
    String id = "holds-port-stop-first";
    int port = freePort();
    Cli.Result first = cli.activate(fixture(id), "--config", config(port, "one"));
    assertThat(first.exit()).as(first.toString()).isZero();
    assertThat(ask(port)).isEqualTo(id + "/1.0.0 one mbean=one");

    Cli.Result second = cli.activate(fixture(id), "--config", config(port, "two"));
    assertThat(second.exit()).as(second.toString()).isZero();
    assertThat(ask(port)).as("the new instance holds the port and the MBean").isEqualTo(id + "/1.0.0 two mbean=two");
    Map<String, Object> s = status(id);
    assertThat(s).containsEntry("state", "ACTIVE");
    assertThat(s.get("error")).as("stopped cleanly before the restart: nothing to report").isNull();

    assertThat(cli.deactivate(id).exit()).isZero();
    assertThat(status(id)).containsEntry("state", "INACTIVE");
  }

  @Test
  void aSideBySidePluginHoldingAnMBeanIsRefusedClearlyAndItsOldInstanceKeepsServingAsActive() throws Exception {
    String id = "holds-port";
    int port = freePort();
    Cli.Result first = cli.activate(fixture(id), "--config", config(port, "one"));
    assertThat(first.exit()).as(first.toString()).isZero();
    assertThat(ask(port)).isEqualTo(id + "/1.0.0 one mbean=one");

    Cli.Result second = cli.activate(fixture(id), "--config", config(port, "two"));
    assertThat(second.exit()).as("the restart was refused: " + second).isEqualTo(1);
    assertThat(second.stdout() + second.stderr()).contains("InstanceAlreadyExistsException");

    Map<String, Object> s = status(id);
    System.out.println("holds-port after the refused restart: " + s);
    assertThat(s).containsEntry("state", "ACTIVE");
    assertThat((String) s.get("error")).startsWith("restart with new config failed: start: ")
        .contains("InstanceAlreadyExistsException").contains("dev.switchboard.fixtures:type=HoldsPort,plugin=holds-port");
    assertThat(ask(port)).as("the old instance still serves with its config").isEqualTo(id + "/1.0.0 one mbean=one");

    // asking again for what serves settles it: ACTIVE without the error
    Cli.Result back = cli.activate(fixture(id), "--config", config(port, "one"));
    assertThat(back.exit()).as(back.toString()).isZero();
    assertThat(status(id).get("error")).isNull();
    assertThat(cli.deactivate(id).exit()).isZero();
  }
}
