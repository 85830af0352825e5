package dev.switchboard.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.bridge.config.BridgeConfig;
import dev.switchboard.sidecar.config.AgentConfig;
import dev.switchboard.sidecar.config.ConfigLoader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's pure parts: generated configs load with the real loaders, port checks, the raw HTTP reader. */
class DemoPartsTest {
  @TempDir Path tmp;

  DemoOptions options(int hostPort) {
    return new DemoOptions(tmp.resolve("dist"), tmp.resolve("work"), "etcd", 23790, 23791, 21810, hostPort, 19464, 19465, 19466, true,
        Duration.ofSeconds(60));
  }

  @Test
  void generatedAgentYamlLoadsWithTheAgentsConfigLoader() throws Exception {
    Path f = tmp.resolve("agent.yaml");
    Files.writeString(f, DemoFiles.agentYaml(options(18080), 4242, tmp.resolve("switchboard-runtime.jar")));
    AgentConfig c = ConfigLoader.load(Map.of(), List.of("--config", f.toString()));
    assertThat(c.service()).isEqualTo("demo");
    assertThat(c.hostPid()).isEqualTo(4242L);
    assertThat(c.etcdEndpoints()).containsExactly("http://127.0.0.1:23790");
    assertThat(c.zookeeperConnect()).isEqualTo("127.0.0.1:21810");
    assertThat(c.httpPort()).isEqualTo(19464);
    assertThat(c.controlDir()).isEqualTo(tmp.resolve("work").resolve("agent").resolve("control"));
  }

  @Test
  void generatedBridgeYamlLoadsWithTheBridgesConfigLoader() throws Exception {
    Path f = tmp.resolve("bridge.yaml");
    Files.writeString(f, DemoFiles.bridgeYaml(options(18080)));
    BridgeConfig c = dev.switchboard.bridge.config.ConfigLoader.load(f, Map.of(), Map.of());
    assertThat(c.httpPort()).isEqualTo(19465);
    assertThat(c.etcdEndpoints()).containsExactly("http://127.0.0.1:23790");
    assertThat(c.zkConnect()).isEqualTo("127.0.0.1:21810");
  }

  @Test
  void aTakenPortStopsTheDemoNamingItsFlag() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> Preflight.portsFree(options(taken.getLocalPort())))
          .isInstanceOf(DemoException.class)
          .hasMessageContaining("port " + taken.getLocalPort() + " for sample host (--host-port) is already in use");
    }
  }

  @Test
  void aPortLeftInTimeWaitByAnEarlierRunCountsAsFree() throws Exception {
    int port;
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      port = server.getLocalPort();
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
          Socket accepted = server.accept()) {
        accepted.close(); // the server side closes first: its port goes to TIME_WAIT
        assertThat(client.getInputStream().read()).as("the client sees the server's close").isEqualTo(-1);
      }
    }
    assertThat(timeWait(port)).as("port %s is in TIME_WAIT", port).isTrue();
    assertThat(Preflight.free(port)).as("a port only in TIME_WAIT is free for a server").isTrue();
  }

  /** Whether /proc/net/tcp or tcp6 lists a socket in TIME_WAIT (state 06) on 127.0.0.1:port. */
  static boolean timeWait(int port) throws Exception {
    String local = String.format("0100007F:%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      boolean found = Files.readAllLines(Path.of(table)).stream()
          .map(l -> l.trim().split("\\s+"))
          .anyMatch(f -> f.length > 3 && f[1].endsWith(local) && f[3].equals("06"));
      if (found) return true;
    }
    return false;
  }

  @Test
  void aMissingEtcdBinaryIsNamedWithHowToInstallIt() {
    assertThatThrownBy(() -> Preflight.etcd(tmp.resolve("no-etcd").toString()))
        .isInstanceOf(DemoException.class)
        .hasMessageContaining("was not found")
        .hasMessageContaining("apt-get install -y etcd-server");
  }

  @Test
  void rawHttpGetReadsStatusHeadersAndAChunkedBody() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket s = server.accept()) {
          s.getInputStream().read(new byte[1024]);
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nX-Switchboard-Plugin: response-header/1.0.0\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      t.start();
      Http.Response r = Http.get(server.getLocalPort(), "/");
      t.join();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("x-switchboard-plugin")).isEqualTo("response-header/1.0.0");
      assertThat(r.body()).isEqualTo("hello");
      assertThat(r.asCurl()).startsWith("HTTP/1.1 200 OK\nX-Switchboard-Plugin: response-header/1.0.0\n");
    }
  }
}
