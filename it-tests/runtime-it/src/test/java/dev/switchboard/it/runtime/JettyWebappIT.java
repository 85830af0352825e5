package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testkit.Dist;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone Jetty 12 (the {@code jetty-home} distribution from Maven Central, {@code java -jar
 * start.jar}) serving {@code dist/webapps/sample-webapp.war}, whose {@code WEB-INF/lib} holds the
 * plugin API and the servlet integration. A servlet filter plugin is activated into the webapp's
 * requests, sees a package that exists only in the webapp's loader once it is exported, is
 * deactivated and collected; Jetty keeps serving throughout and is never restarted.
 */
class JettyWebappIT {
  static final String WEBAPP_CLASS = "dev.switchboard.sample.webapp.model.Greeting";
  @TempDir Path controlDir;
  @TempDir Path base;

  @Test
  void aPluginFiltersAWebappInAStandaloneJettyAndIsRemovedWithoutARestart() throws Exception {
    String homeProperty = System.getProperty("switchboard.it.jettyHome");
    assumeTrue(homeProperty != null, "switchboard.it.jettyHome not set (run through Maven: the build unpacks jetty-home)");
    Path home = Path.of(homeProperty);
    assertThat(home.resolve("start.jar")).as("jetty-home unpacked by the build").isRegularFile();
    prepareBase(home);

    try (HostProcess jetty = HostProcess.jetty(Jdks.java17(), home, base)) {
      SpringBootHostIT.awaitTrue(() -> ok(jetty.port), "the webapp answers");
      HttpResponse<String> plain = get(jetty.port);
      assertThat(plain.body()).isEqualTo("hello from the webapp");
      assertThat(Http.header(plain, "X-Switchboard-Servlet")).isNull();
      HostCli cli = new HostCli(controlDir, jetty.pid());

      // activate with an export of a package that exists only in the webapp's loader, and one that exists nowhere
      Cli.Result a = cli.activate(Dist.plugin("servlet-header", "1.0.0"), "--config", "{\"probeClass\":\"" + WEBAPP_CLASS + "\"}",
          "--exports", "dev.switchboard.sample.webapp.model,no.such.pkg");
      assertThat(a.exit()).as(a.toString()).isZero();
      assertThat(a.stdout()).contains("servlet-header").contains("ACTIVE");
      assertThat(a.stderr()).contains("exports not found in any class loader of host " + jetty.pid() + ": no.such.pkg");
      jetty.await(l -> l.contains("plugin API of the host's loader org.eclipse.jetty.ee10.webapp.WebAppClassLoader"), 10);
      jetty.await(l -> l.contains("host exports not found in any class loader of the host: [no.such.pkg]"), 10);

      HttpResponse<String> filtered = get(jetty.port);
      assertThat(filtered.body()).isEqualTo("hello from the webapp");
      assertThat(Http.header(filtered, "X-Switchboard-Servlet")).isEqualTo("servlet-header/1.0.0");
      assertThat(Http.header(filtered, "X-Export-Probe")).as("the webapp's class, loaded through the export").isEqualTo("WebAppClassLoader");

      // deactivate: the filter is gone, the loader collected, Jetty still serving (same process)
      Cli.Result d = cli.deactivate("servlet-header");
      assertThat(d.exit()).as(d.toString()).isZero();
      HttpResponse<String> after = get(jetty.port);
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(after.body()).isEqualTo("hello from the webapp");
      assertThat(Http.header(after, "X-Switchboard-Servlet")).isNull();
      Map<String, Object> p = cli.settledUnload("servlet-header");
      assertThat(p).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
      assertThat(jetty.process.isAlive()).isTrue();
      assertThat(get(jetty.port).statusCode()).isEqualTo(200);
    }
  }

  private void prepareBase(Path home) throws Exception {
    dev.switchboard.testkit.JettyHome.initBase(Jdks.java17(), home, base, "http,ee10-deploy");
    Files.createDirectories(base.resolve("webapps"));
    Files.copy(Dist.file("webapps/sample-webapp.war"), base.resolve("webapps/sample-webapp.war"));
  }

  private static HttpResponse<String> get(int port) {
    return Http.get(port, "/sample-webapp/", Map.of());
  }

  private static boolean ok(int port) {
    try {
      return get(port).statusCode() == 200;
    } catch (RuntimeException | AssertionError e) {
      return false;
    }
  }

}
