package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Dist;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's and the plugins' log records in real hosts, over attach, activate, deactivate and detach:
 * through the host's Logback when it has SLF4J (nothing else printed), else through java.util.logging, one
 * line per record; connection chatter at DEBUG (not shown at the default levels).
 */
class LoggingIT {
  /** The Logback host's pattern: every line its framework writes starts like this. */
  static final Pattern LOGBACK_LINE = Pattern.compile(
      "^LOGBACK \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3} (TRACE|DEBUG|INFO|WARN|ERROR) +\\[[^\\]]+\\] [\\w.$-]+ - .*");
  /** The runtime's one-line JUL format. */
  static final Pattern JUL_LINE = Pattern.compile("^\\S+Z (FINEST|FINER|FINE|CONFIG|INFO|WARNING|SEVERE) (dev\\.)?switchboard[\\w.-]*: .*");

  @TempDir Path tmp;

  /** Attach + activate, deactivate, detach through the real CLI. */
  static void cycle(HostProcess host, Path controlDir) throws java.io.IOException {
    HostCli cli = new HostCli(controlDir, host.pid());
    int port = RestartPolicyIT.freePort();
    Cli.Result a = cli.activate(Dist.file("plugins/fixtures/holds-port-1.0.0.jar"), "--config", "{\"port\":" + port + "}");
    assertThat(a.exit()).as(a.toString()).isZero();
    host.await(l -> l.contains("holds port " + port), 30); // the plugin's own record (ctx.logger())
    assertThat(cli.deactivate("holds-port").exit()).isZero();
    Cli.Result d = Cli.run(controlDir, "host", "detach", "--pid", Long.toString(host.pid()));
    assertThat(d.exit()).as(d.toString()).isZero();
    host.await(l -> l.contains("switchboard runtime: detached"), 30);
  }

  @Test
  void aHostWithLogbackGetsEveryRecordThroughItsOwnFrameworkAndNothingElse() throws Exception {
    Path jars = Path.of("target/logback-host").toAbsolutePath();
    String classPath;
    try (Stream<Path> s = Files.list(jars)) {
      classPath = s.map(Path::toString).sorted().collect(Collectors.joining(File.pathSeparator));
    }
    assertThat(classPath).contains("logback-classic").contains("slf4j-api");
    Path config = tmp.resolve("logback.xml");
    Files.writeString(config, """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>LOGBACK %d{ISO8601} %-5level [%thread] %logger - %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="OUT"/></root>
        </configuration>
        """);
    Path controlDir = Files.createDirectory(tmp.resolve("control"));
    try (HostProcess host = HostProcess.testMainWith(LogbackHost.class, classPath, "READY", "-Dlogback.configurationFile=" + config)) {
      cycle(host, controlDir);
      List<String> lines = List.copyOf(host.lines);
      System.out.println("Logback host output (" + lines.size() + " lines):\n" + String.join("\n", lines));
      assertThat(lines).as("every line of the host's output was written by its Logback").allMatch(l -> LOGBACK_LINE.matcher(l).matches());
      long runtime = lines.stream().filter(l -> l.contains(" dev.switchboard.runtime - ")).count();
      long plugin = lines.stream().filter(l -> l.contains(" switchboard.plugin.holds-port - holds port ")).count();
      System.out.println("Logback host: " + lines.size() + " lines, " + runtime + " from dev.switchboard.runtime, " + plugin + " about plugins");
      assertThat(runtime).as("ready, started, detached").isGreaterThanOrEqualTo(3);
      assertThat(plugin).as("the plugin's record through the host's Logback").isEqualTo(1);
      assertThat(lines).anyMatch(l -> l.contains("logging through the host's SLF4J (ch.qos.logback.classic.LoggerContext)"));
      assertThat(lines).as("connection chatter is DEBUG").noneMatch(l -> l.contains("connected") && l.contains("controller"));
    }
  }

  @Test
  void aPlainHostGetsOneLinePerRecordThroughJavaUtilLogging() throws Exception {
    Path controlDir = Files.createDirectory(tmp.resolve("control"));
    try (HostProcess host = HostProcess.sampleHost(Jdks.java17())) {
      cycle(host, controlDir);
      List<String> lines = List.copyOf(host.lines);
      System.out.println("plain host output (" + lines.size() + " lines):\n" + String.join("\n", lines));
      List<String> ours = lines.stream().filter(l -> !l.startsWith("PID ") && !l.startsWith("LISTENING ")).toList();
      assertThat(ours).as("every other line is one record of the runtime in the one-line format")
          .isNotEmpty().allMatch(l -> JUL_LINE.matcher(l).matches());
      assertThat(ours.size()).isGreaterThanOrEqualTo(3);
      assertThat(ours).as("the plugin's record, one line").anyMatch(l -> l.contains(" INFO switchboard.plugin.holds-port: holds port "));
      assertThat(lines).as("connection chatter is DEBUG").noneMatch(l -> l.contains("controller") && l.contains("connected"));
    }
  }
}
