package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Dist;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code switchboard host detach} against a real sample host (JDK 17): every plugin stopped, the channel
 * closed, socket, token and extracted runtime jar removed, the runtime's classes unloaded (the host's own
 * class histogram, which runs a full GC, no longer lists them), and a later attach starts a fresh runtime.
 */
class DetachIT {
  /** A class of the runtime's private loader (not a boot class on the host's class path). */
  static final String RUNTIME_CLASS = "dev.switchboard.runtime.plugin.PluginManagerImpl";

  Path controlDir;
  HostProcess host;
  HostCli cli;

  @BeforeEach
  void startHost() throws Exception {
    controlDir = Files.createTempDirectory("sb-detach-");
    host = HostProcess.sampleHost(Jdks.java17());
    cli = new HostCli(controlDir, host.pid());
  }

  @AfterEach
  void stopHost() throws Exception {
    if (host != null) host.close();
    try (Stream<Path> s = Files.list(controlDir)) {
      s.forEach(p -> p.toFile().delete());
    }
    Files.deleteIfExists(controlDir);
  }

  /** {@code jcmd <pid> GC.class_histogram}: a full GC in the host, then the classes it still has. */
  String histogram() throws IOException, InterruptedException {
    Path jcmd = Path.of(Jdks.java17()).resolveSibling("jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(host.pid()), "GC.class_histogram")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  List<Path> runtimeTempDirs() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("switchboard-runtime-" + host.pid() + "-")).toList();
    }
  }

  @Test
  void detachStopsEveryPluginRemovesTheChannelAndItsFilesUnloadsTheRuntimeAndALaterAttachWorks() throws Exception {
    assertThat(cli.activate(Dist.plugin("response-header", "1.0.0")).exit()).isZero();
    assertThat(Http.header(Http.get(host.port), SampleHostIT.HEADER)).isEqualTo("response-header/1.0.0");
    assertThat(histogram()).as("the runtime's classes are loaded before the detach").contains(RUNTIME_CLASS);
    assertThat(runtimeTempDirs()).as("extracted runtime jar").isNotEmpty();
    Path socket = controlDir.resolve(host.pid() + ".sock");
    Path token = controlDir.resolve(host.pid() + ".token");
    assertThat(socket).exists();
    assertThat(token).exists();

    Cli.Result d = Cli.run(controlDir, "host", "detach", "--pid", Long.toString(host.pid()));
    System.out.println("switchboard host detach -> " + d);
    assertThat(d.exit()).as(d.toString()).isZero();
    assertThat(d.stdout()).contains("response-header").contains("INACTIVE").contains("runtime detached (1 plugin(s) stopped)");

    // the host serves on without the plugin
    var r = Http.get(host.port);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Http.header(r, SampleHostIT.HEADER)).isNull();

    // channel files and the extracted jar go once the answer was written (the host's detach thread)
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((Files.exists(socket) || Files.exists(token) || !runtimeTempDirs().isEmpty()) && System.nanoTime() < end) {
      HostProcess.sleep(50);
    }
    assertThat(socket).doesNotExist();
    assertThat(token).doesNotExist();
    assertThat(runtimeTempDirs()).as("extracted runtime jar removed").isEmpty();
    host.await(l -> l.contains("switchboard runtime: detached; control channel closed"), 30);

    // the runtime's loader is collected: the host's class histogram (a full GC each time) stops listing its classes
    String h = histogram();
    end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int histograms = 1;
    while (h.contains(RUNTIME_CLASS) && System.nanoTime() < end) {
      HostProcess.sleep(500);
      h = histogram();
      histograms++;
    }
    System.out.println("runtime classes gone from the host after " + histograms + " class histogram(s)");
    assertThat(h).as("no class of the runtime's private loader is left in the host").doesNotContain("dev.switchboard.runtime.plugin.")
        .doesNotContain("dev.switchboard.runtime.control.").doesNotContain("dev.switchboard.control.");
    assertThat(Cli.run(controlDir, "host", "status", "--pid", Long.toString(host.pid())).stdout()).contains("no runtime attached");

    // a later attach starts a fresh runtime
    Cli.Result again = cli.activate(Dist.plugin("response-header", "1.0.0"));
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(again.stdout()).contains("attached to " + host.pid() + " and started the runtime");
    assertThat(Http.header(Http.get(host.port), SampleHostIT.HEADER)).isEqualTo("response-header/1.0.0");
  }
}
