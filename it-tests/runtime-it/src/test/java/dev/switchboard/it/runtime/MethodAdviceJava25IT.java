package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testkit.Dist;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Method advice in a Temurin 25 host (the CLI runs on JDK 17): woven, then removed with the loader collected. */
class MethodAdviceJava25IT {
  @TempDir Path controlDir;

  @Test
  void adviceWorksAndIsRemovedInAJava25Host() throws Exception {
    assumeTrue(Jdks.java25Available(), "Temurin 25 not installed at " + Jdks.JAVA25);
    try (HostProcess host = HostProcess.sampleHost(Jdks.JAVA25)) {
      HostCli cli = new HostCli(controlDir, host.pid());
      assertThat(cli.activate(Dist.plugin("advice-header", "1.0.0")).exit()).isZero();
      assertThat(Http.header(Http.get(host.port), MethodAdviceIT.HEADER)).isEqualTo("advice-header/1.0.0");
      assertThat(cli.deactivate("advice-header").exit()).isZero();
      assertThat(Http.header(Http.get(host.port), MethodAdviceIT.HEADER)).isNull();
      assertThat(cli.settledUnload("advice-header")).containsEntry("unload", "collected");
      assertThat(MethodAdviceIT.advice(cli.statusJson())).containsEntry("sites", 0L).containsEntry("liveAdvice", 0L);
    }
  }
}
