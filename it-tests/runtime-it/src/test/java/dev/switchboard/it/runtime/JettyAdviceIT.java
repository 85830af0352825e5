package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testkit.Dist;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unmodified standalone Jetty 12 ({@code java -jar start.jar} with only the {@code http} module: no webapp, no
 * Switchboard jar, no extension point) changed by a method advice plugin attached live: every response carries the
 * plugin's header while it is active; after deactivation the header is gone, the dispatcher's table is empty, the
 * plugin's loader is collected and the same Jetty process still answers as before.
 */
class JettyAdviceIT {
  static final String HEADER = "X-Switchboard-Advice";
  @TempDir Path controlDir;
  @TempDir Path base;

  @Test
  void aPluginAddsAHeaderToAnUnmodifiedJettyAndIsRemovedWithoutARestart() throws Exception {
    String homeProperty = System.getProperty("switchboard.it.jettyHome");
    assumeTrue(homeProperty != null, "switchboard.it.jettyHome not set (run through Maven: the build unpacks jetty-home)");
    Path home = Path.of(homeProperty);
    Process init = new ProcessBuilder(Jdks.java17(), "-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
        "jetty.base=" + base, "--add-modules=http").directory(base.toFile()).redirectErrorStream(true).start();
    String out = new String(init.getInputStream().readAllBytes());
    assertThat(init.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(init.exitValue()).as(out).isZero();

    try (HostProcess jetty = HostProcess.jetty(Jdks.java17(), home, base)) {
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
      assertThat(MethodAdviceIT.advice(cli.statusJson())).containsEntry("sites", 1L).containsEntry("liveAdvice", 1L);

      Cli.Result d = cli.deactivate("jetty-header");
      assertThat(d.exit()).as(d.toString()).isZero();
      HttpResponse<String> after = Http.get(jetty.port, "/", Map.of());
      assertThat(after.statusCode()).isEqualTo(404);
      assertThat(after.body()).isEqualTo(plain.body());
      assertThat(Http.header(after, HEADER)).isNull();
      assertThat(cli.settledUnload("jetty-header")).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
      assertThat(MethodAdviceIT.advice(cli.statusJson())).containsEntry("sites", 0L).containsEntry("liveAdvice", 0L);
      assertThat(jetty.process.isAlive()).isTrue();
    }
  }
}
