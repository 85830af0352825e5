package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testkit.Dist;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import dev.switchboard.testkit.JettyHome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unmodified standalone Jetty 12 ({@code java -jar start.jar} with only the {@code http} module: no webapp, no
 * Switchboard jar, no extension point) changed by a method advice plugin attached live: every response carries the
 * plugin's header while it is active; after deactivation the header is gone, the dispatcher's table is empty, the
 * woven class's installed bytes are the original ones again, the plugin's loader is collected and the same Jetty
 * process still answers as before. Then the second Jetty sample, jetty-slow-requests, records requests and serves
 * them on its own port until it is removed the same way. On JDK 17 and JDK 25.
 */
class JettyAdviceIT {
  static final String HEADER = "X-Switchboard-Advice";
  @TempDir Path controlDir;
  @TempDir Path base;

  @ParameterizedTest(name = "Jetty on JDK {0}")
  @ValueSource(ints = {17, 25})
  void aPluginAddsAHeaderToAnUnmodifiedJettyAndIsRemovedWithoutARestart(int jdk) throws Exception {
    Optional<Path> jettyHome = JettyHome.fromProperty();
    assumeTrue(jettyHome.isPresent(), JettyHome.PROPERTY + " not set (run through Maven: the build unpacks jetty-home)");
    assumeTrue(jdk != 25 || Jdks.java25Available(), "Temurin 25 not installed at " + Jdks.JAVA25);
    Path home = jettyHome.get();
    String java = dev.switchboard.testkit.Jdks.java(jdk);
    JettyHome.initBase(java, home, base, "http");

    try (HostProcess jetty = HostProcess.jetty(java, home, base)) {
      HttpResponse<String> plain = Http.get(jetty.port, "/", Map.of());
      assertThat(plain.statusCode()).as("Jetty with nothing deployed").isEqualTo(404);
      assertThat(Http.header(plain, HEADER)).isNull();
      HostCli cli = new HostCli(controlDir, jetty.pid());

      Cli.Result a = cli.activate(Dist.plugin("jetty-header", "1.0.0"));
      assertThat(a.exit()).as(a.toString()).isZero();
      assertThat(a.stdout()).contains("jetty-header").contains("ACTIVE");
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> r = Http.get(jetty.port, "/any/path?" + i, Map.of());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("404");
        assertThat(Http.header(r, HEADER)).isEqualTo("jetty-header/1.0.0");
      }
      Map<String, Object> advice = MethodAdviceIT.advice(cli.statusJson());
      assertThat(advice).containsEntry("sites", 1L).containsEntry("liveAdvice", 1L).containsEntry("wovenClasses", 1L);
      Map<String, Object> woven = MethodAdviceIT.wovenClass(advice, "org.eclipse.jetty.server.Server");
      assertThat(woven).containsEntry("restored", false);

      Cli.Result d = cli.deactivate("jetty-header");
      assertThat(d.exit()).as(d.toString()).isZero();
      HttpResponse<String> after = Http.get(jetty.port, "/", Map.of());
      assertThat(after.statusCode()).isEqualTo(404);
      assertThat(after.body()).isEqualTo(plain.body());
      assertThat(Http.header(after, HEADER)).isNull();
      assertThat(cli.settledUnload("jetty-header")).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
      Map<String, Object> after2 = MethodAdviceIT.advice(cli.statusJson());
      assertThat(after2).containsEntry("sites", 0L).containsEntry("liveAdvice", 0L).containsEntry("wovenClasses", 0L);
      assertThat(MethodAdviceIT.wovenClass(after2, "org.eclipse.jetty.server.Server")).as("the original bytes are installed again")
          .containsEntry("restored", true).containsEntry("current", woven.get("original"));
      assertThat(jetty.process.isAlive()).isTrue();

      slowRequestsAreRecordedAndServedThenRemoved(jetty, cli);
    }
  }

  /**
   * The second sample on the same Jetty: jetty-slow-requests times ContextHandlerCollection.handle (a threshold of
   * 0 records every request) and serves the records on its own port; deactivated, the port is closed, the class's
   * original bytes are back and the loader is collected.
   */
  private static void slowRequestsAreRecordedAndServedThenRemoved(HostProcess jetty, HostCli cli) throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Cli.Result a = cli.activate(Dist.plugin("jetty-slow-requests", "1.0.0"), "--config",
        "{\"thresholdMillis\":0,\"port\":" + port + "}");
    assertThat(a.exit()).as(a.toString()).isZero();
    for (String path : new String[] {"/slow/a", "/slow/b"}) assertThat(Http.get(jetty.port, path, Map.of()).statusCode()).isEqualTo(404);
    String records = Http.get(port, "/", Map.of()).body();
    System.out.println("jetty-slow-requests: " + records);
    assertThat(records).startsWith("{\"plugin\":\"jetty-slow-requests/1.0.0\",\"thresholdMillis\":0.0,\"slow\":[")
        .contains("{\"method\":\"GET\",\"path\":\"/slow/a\",\"micros\":").contains("\"path\":\"/slow/b\"");
    Map<String, Object> woven = MethodAdviceIT.wovenClass(MethodAdviceIT.advice(cli.statusJson()),
        "org.eclipse.jetty.server.handler.ContextHandlerCollection");
    assertThat(woven).containsEntry("restored", false);

    assertThat(cli.deactivate("jetty-slow-requests").exit()).isZero();
    assertThat(cli.settledUnload("jetty-slow-requests")).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
    assertThatThrownBy(() -> new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port).close())
        .as("the plugin's port is closed").isInstanceOf(java.net.ConnectException.class);
    Map<String, Object> after = MethodAdviceIT.advice(cli.statusJson());
    assertThat(after).containsEntry("sites", 0L).containsEntry("wovenClasses", 0L);
    assertThat(MethodAdviceIT.wovenClass(after, "org.eclipse.jetty.server.handler.ContextHandlerCollection"))
        .containsEntry("restored", true).containsEntry("current", woven.get("original"));
    assertThat(Http.get(jetty.port, "/slow/c", Map.of()).statusCode()).isEqualTo(404);
  }
}
