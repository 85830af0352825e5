package dev.switchboard.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code switchboard demo} (a JVM running dist/switchboard.jar, which starts etcd, a bridge,
 * the sample host and its agent as processes): both flips are seen, and however it ends — by
 * itself, by Ctrl-C (SIGINT) or killed with SIGKILL — no process of it is left behind.
 */
class DemoIT {
  @TempDir Path tmp;

  @Test
  void demoShowsBothFlipsAndLeavesNoProcessWhenItExitsByItself() throws Exception {
    try (DemoRun demo = DemoRun.start(tmp, "--exit-after-flips")) {
      assertThat(demo.waitFor(Duration.ofMinutes(5))).as("demo ended within 5 minutes").isTrue();
      String out = demo.output();
      System.out.println(out);
      assertThat(demo.process.exitValue()).as("exit code; output:\n" + out).isZero();
      assertThat(out).contains("FLIP ON observed: X-Switchboard-Plugin present: response-header/1.0.0")
          .contains("FLIP OFF observed: X-Switchboard-Plugin gone")
          .contains("enabled = false (written there by the bridge)")
          .containsPattern("demo +node-1 +response-header +INACTIVE +false +1\\.0\\.0 +true")
          .contains("Stopped in");
      List<Long> pids = demo.childPids();
      assertThat(pids).as("etcd, sample-host, bridge, agent pids printed").hasSize(4);
      assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("pid " + pid + " alive").isFalse());
      assertThat(demo.leftovers()).isEmpty();
      assertThat(demo.workDir.resolve("etcd")).as("data kept").isDirectory();
    }
  }

  @Test
  void ctrlCStopsEveryComponentAndKeepsTheData() throws Exception {
    try (DemoRun demo = DemoRun.start(tmp)) {
      await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
          .until(() -> demo.output().contains("press Ctrl-C") || !demo.process.isAlive());
      assertThat(demo.process.isAlive()).as("demo still running; output:\n" + demo.output()).isTrue();
      List<Long> pids = demo.childPids();
      assertThat(pids).hasSize(4);
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(demo.process.pid())).inheritIO().start();
      assertThat(kill.waitFor()).isZero();
      boolean stopped = demo.waitFor(Duration.ofSeconds(60));
      assertThat(stopped).as(() -> "demo stopped after SIGINT; its threads:\n" + threadDump(demo.process) + "\noutput:\n" + demo.output()).isTrue();
      String out = demo.output();
      System.out.println(out);
      assertThat(out).contains("Stopping the demo stack").contains("Data and logs kept in " + demo.workDir);
      assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("pid " + pid + " alive").isFalse());
      assertThat(demo.leftovers()).isEmpty();
      assertThat(demo.workDir.resolve("logs").resolve("agent.log")).isRegularFile();
    }
  }

  @Test
  void aKilledDemoLeavesNoProcessBecauseItsWatchdogStopsTheChildren() throws Exception {
    try (DemoRun demo = DemoRun.start(tmp)) {
      await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(300))
          .until(() -> demo.output().contains("agent ") && demo.output().contains("ready in") && demo.childPids().size() == 4
              || !demo.process.isAlive());
      List<Long> pids = demo.childPids();
      assertThat(pids).as("output:\n" + demo.output()).hasSize(4);
      demo.process.destroyForcibly();
      assertThat(demo.waitFor(Duration.ofSeconds(10))).isTrue();
      long t0 = System.nanoTime();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            .as("pid " + pid + " alive").isFalse());
        assertThat(demo.leftovers()).isEmpty();
      });
      System.out.printf("children gone %.1f s after the demo JVM was killed%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  /** The threads of a JVM that did not exit (jcmd of the JDK running the tests), for the failure message. */
  private static String threadDump(Process p) {
    java.nio.file.Path jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd");
    StringBuilder all = new StringBuilder();
    java.util.stream.Stream.concat(java.util.stream.Stream.of(p.toHandle()), p.descendants())
        .filter(h -> h.info().command().orElse("").endsWith("java"))
        .forEach(h -> {
          try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(h.pid()), "Thread.print").redirectErrorStream(true).start();
            all.append("== pid ").append(h.pid()).append('\n').append(new String(dump.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
          } catch (java.io.IOException e) {
            all.append("== pid ").append(h.pid()).append(": no thread dump: ").append(e).append('\n');
          }
        });
    return all.toString();
  }
}
