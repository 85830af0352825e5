package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testkit.Dist;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Method advice in a Temurin 25 host (the CLI runs on JDK 17): nothing of it is installed (no dispatcher on the
 * bootstrap class path, no class-sharing warning in the host's output) until a plugin declares advice, even when
 * the plugin's classes use the advice API; then woven, and removed with the original bytes back and the loader
 * collected.
 */
class MethodAdviceJava25IT {
  @TempDir Path controlDir;

  @Test
  void adviceIsInstalledAtTheFirstDeclarationWorksAndIsRemovedInAJava25Host() throws Exception {
    assumeTrue(Jdks.java25Available(), "Temurin 25 not installed at " + Jdks.JAVA25);
    try (HostProcess host = HostProcess.sampleHost(Jdks.JAVA25)) {
      HostCli cli = new HostCli(controlDir, host.pid());
      Cli.Result quiet = cli.activate(Dist.plugin("advice-header", "1.0.0"), "--config", "{\"advise\":false}");
      assertThat(quiet.exit()).as(quiet.toString()).isZero();
      assertThat(MethodAdviceIT.advice(cli.statusJson())).as("a plugin that declared no advice installs nothing")
          .containsEntry("available", true).containsEntry("installed", false);
      assertThat(Http.header(Http.get(host.port), MethodAdviceIT.HEADER)).isNull();
      assertThat(host.output()).doesNotContain("Sharing is only supported");

      assertThat(cli.activate(Dist.plugin("advice-header", "1.0.0")).exit()).isZero();
      assertThat(MethodAdviceIT.advice(cli.statusJson())).containsEntry("installed", true).containsEntry("wovenClasses", 1L);
      assertThat(Http.header(Http.get(host.port), MethodAdviceIT.HEADER)).isEqualTo("advice-header/1.0.0");
      assertThat(cli.deactivate("advice-header").exit()).isZero();
      assertThat(Http.header(Http.get(host.port), MethodAdviceIT.HEADER)).isNull();
      assertThat(cli.settledUnload("advice-header")).containsEntry("unload", "collected");
      assertThat(MethodAdviceIT.advice(cli.statusJson())).containsEntry("sites", 0L).containsEntry("liveAdvice", 0L)
          .containsEntry("wovenClasses", 0L);
      assertThat(MethodAdviceIT.wovenClass(MethodAdviceIT.advice(cli.statusJson()), "dev.switchboard.sample.host.FilterChain"))
          .containsEntry("restored", true);
    }
  }
}
