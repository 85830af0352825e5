package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Dist;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spring Boot fat jar started with the runtime as a {@code -javaagent} instead of an attach: the runtime starts in
 * {@code premain}, before Spring Boot's launcher has created its loader, and binds to the plugin API at the first
 * control request — by then the starter has loaded the API in the launcher loader, so the runtime uses that copy and
 * appends none to the system class path. A plugin then filters the unmodified controller's requests and is removed
 * with its loader collected.
 */
class SpringBootJavaagentIT {
  @TempDir Path controlDir;

  @Test
  void aSpringBootFatJarLaunchedWithTheRuntimeAsJavaagentBindsToItsOwnPluginApiAtTheFirstRequest() throws Exception {
    String arg = "controlDir=" + URLEncoder.encode(controlDir.toString(), StandardCharsets.UTF_8);
    try (HostProcess host = HostProcess.springBootHost(Jdks.java17(), "-javaagent:" + Dist.runtime() + "=" + arg)) {
      HostCli cli = new HostCli(controlDir, host.pid());
      Cli.Result a = cli.activate(Dist.plugin("response-header", "1.0.0"));
      assertThat(a.exit()).as(a.toString()).isZero();
      assertThat(a.stdout()).contains("re-adopted"); // nothing attached: the runtime was there from launch
      host.await(l -> l.contains("started via premain"), 30); // logged through the host's logging once that is reachable
      host.await(l -> l.contains("plugin API of the host's loader org.springframework.boot.loader.launch.LaunchedClassLoader"), 30);
      assertThat(host.output()).doesNotContain("appended");
      HttpResponse<String> on = Http.get(host.port, "/orders/3", Map.of());
      assertThat(on.body()).isEqualTo("order 3");
      assertThat(Http.header(on, SampleHostIT.HEADER)).isEqualTo("response-header/1.0.0");

      assertThat(cli.deactivate("response-header").exit()).isZero();
      assertThat(Http.header(Http.get(host.port), SampleHostIT.HEADER)).isNull();
      assertThat(cli.settledUnload("response-header")).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
    }
  }
}
