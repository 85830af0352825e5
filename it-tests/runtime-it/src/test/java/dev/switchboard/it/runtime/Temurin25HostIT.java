package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testkit.Dist;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample host on the Temurin 25 JDK, driven by the CLI running on JDK 17. */
class Temurin25HostIT {
  @TempDir Path controlDir;

  @Test
  void activateAndDeactivateInAJava25Host() throws Exception {
    assumeTrue(Jdks.java25Available(), "Temurin 25 not installed at " + Jdks.JAVA25);
    try (HostProcess host = HostProcess.sampleHost(Jdks.JAVA25)) {
      HostCli cli = new HostCli(controlDir, host.pid());
      Cli.Result a = cli.activate(Dist.plugin("response-header", "1.0.0"));
      assertThat(a.exit()).as(a.toString()).isZero();
      assertThat(a.stdout()).containsPattern("attached to " + host.pid() + " and started the runtime in \\d+ ms");
      System.out.println("Java 25 host: " + a.stdout().lines().findFirst().orElse(""));
      assertThat(Http.header(Http.get(host.port), SampleHostIT.HEADER)).isEqualTo("response-header/1.0.0");
      Map<String, Object> status = cli.statusJson();
      assertThat((String) status.get("hostJava")).startsWith("25");
      // JDK 21+ warns about dynamic agent loading (documented: -XX:+EnableDynamicAgentLoading hides it)
      host.await(l -> l.contains("A Java agent has been loaded dynamically"), 10);

      assertThat(cli.deactivate("response-header").exit()).isZero();
      assertThat(Http.header(Http.get(host.port), SampleHostIT.HEADER)).isNull();
      assertThat(cli.settledUnload("response-header")).containsEntry("unload", "collected");
    }
  }
}
