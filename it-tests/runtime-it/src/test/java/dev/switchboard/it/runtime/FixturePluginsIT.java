package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Dist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every fixture plugin against one real sample host (JDK 17) while {@code response-header} stays
 * active: each failure mode gives its documented FAILED reason, and the host and the other plugin
 * keep serving.
 */
class FixturePluginsIT {
  static Path controlDir;
  static HostProcess host;
  static HostCli cli;

  @BeforeAll
  static void startHostWithOnePluginActive() throws Exception {
    controlDir = Files.createTempDirectory("sb-fix-");
    host = HostProcess.sampleHost(Jdks.java17());
    cli = new HostCli(controlDir, host.pid());
    assertThat(cli.activate(Dist.plugin("response-header", "1.0.0")).exit()).isZero();
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

  private static void hostAndOtherPluginStillServe() {
    var r = Http.get(host.port);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello");
    assertThat(Http.header(r, SampleHostIT.HEADER)).isEqualTo("response-header/1.0.0");
  }

  private static Map<String, Object> status(String id) {
    return HostCli.plugins(cli.statusJson()).get(id);
  }

  /** Activation refused: the CLI prints the FAILED status with its reason (no second CLI call needed). */
  private static void refused(String id, String... reasonParts) {
    Cli.Result r = cli.activate(fixture(id), "--plugin", id);
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    String line = r.stdout().lines().filter(l -> l.startsWith(id + " ")).findFirst().orElseThrow(() -> new AssertionError(r.toString()));
    assertThat(line).as(id).contains(" FAILED ").contains(" error: ");
    String error = line.substring(line.indexOf(" error: ") + " error: ".length());
    System.out.println("fixture " + id + ": FAILED, reason: " + error);
    for (String part : reasonParts) assertThat(error).as(id + " reason").contains(part);
    hostAndOtherPluginStillServe();
  }

  @Test
  void throwsInStartIsFailedWithTheStartReasonAndRolledBack() {
    refused("throws-in-start", "start: ");
  }

  @Test
  void wrongApiRangeIsRefusedBeforeAnyCodeRuns() {
    refused("wrong-api", "descriptor: ", "api range [2.0,3.0) excludes runtime API 1.1");
  }

  @Test
  void classesForANewerJavaAreRefused() {
    refused("newer-java", "needs Java");
  }

  @Test
  void malformedDescriptorIsRefused() {
    refused("malformed-descriptor", "descriptor: ");
  }

  @Test
  void leakedThreadIsInterruptedAndReported() {
    Cli.Result a = cli.activate(fixture("leaks-thread"));
    assertThat(a.exit()).as(a.toString()).isZero();
    hostAndOtherPluginStillServe();
    Cli.Result d = cli.deactivate("leaks-thread");
    assertThat(d.stdout()).contains("leakedThreads=");
    Map<String, Object> s = status("leaks-thread");
    @SuppressWarnings("unchecked")
    List<String> leaked = (List<String>) s.get("leakedThreads");
    System.out.println("fixture leaks-thread: state " + s.get("state") + ", leaked threads " + leaked + ", unload " + s.get("unload") + ", error " + s.get("error"));
    assertThat(leaked).isNotEmpty();
    hostAndOtherPluginStillServe();
  }

  @Test
  void hangInStopIsBoundedAndReported() {
    Cli.Result a = cli.activate(fixture("hangs-in-stop"));
    assertThat(a.exit()).as(a.toString()).isZero();
    Cli.Result d = cli.deactivate("hangs-in-stop");
    Map<String, Object> s = status("hangs-in-stop");
    System.out.println("fixture hangs-in-stop: deactivate exit " + d.exit() + " in " + d.millis() + " ms, state " + s.get("state") + ", error " + s.get("error"));
    assertThat(d.exit()).isEqualTo(1);
    assertThat(s).containsEntry("state", "FAILED");
    assertThat((String) s.get("error")).contains("stop: ").contains("timed out");
    hostAndOtherPluginStillServe();
  }

  @Test
  void bundledLibraryVersionWinsInsideThePluginOnly() {
    Cli.Result a = cli.activate(fixture("bundled-lib"));
    assertThat(a.exit()).as(a.toString()).isZero();
    var r = Http.get(host.port, "/lib-version", Map.of());
    assertThat(r.body()).isEqualTo("host-1.0");
    assertThat(Http.header(r, "X-Lib-Version")).isEqualTo("plugin-2.0");
    assertThat(cli.deactivate("bundled-lib").exit()).isZero();
    hostAndOtherPluginStillServe();
  }
}
