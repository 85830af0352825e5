package dev.switchboard.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;

/**
 * Scenario 5: inside a pod, a process of another uid and a process of the host's uid that lacks the token
 * cannot drive the runtime. An extra container of the sidecar image joins the pod's PID namespace and mounts (so it
 * sees the host JVM, {@code /tmp} and the control directory {@code /tmp/switchboard}) and runs the real CLI
 * ({@code switchboard host status|deactivate|activate}):
 * <ul>
 *   <li>as uid 1000: refused by the control directory's modes; with the socket and token made readable for everyone
 *       (a leak) refused by the peer-uid check (SO_PEERCRED); attaching is refused too;</li>
 *   <li>as the host's uid 65534 with a wrong token (a control dir holding a link to the real socket): refused.</li>
 * </ul>
 * After every attempt nothing changed: the plugin keeps serving, its status and start count are the same, the host
 * logged the refusal.
 */
class ForeignProcessCannotDriveRuntimeIT {
  static final String SCENARIO = "ForeignProcessCannotDriveRuntimeIT";
  static final String PLUGIN = "response-header";
  static final String CLI = "/opt/switchboard/switchboard.jar";
  static final String RUNTIME = "/opt/switchboard/runtime/switchboard-runtime.jar";

  @RegisterExtension
  static final SystemTopology SYSTEM =
      SystemTopology.builder().service("guarded").nodes("pod-a").bridges(0).etcdMembers(1).zooKeeperServers(1).build();

  @Test
  void anotherUidAndASameUidProcessWithoutTheTokenAreRefusedAndNothingChanges() throws Exception {
    Pod pod = SYSTEM.pod(0);
    try (Checker checker = SYSTEM.checker(SCENARIO, PLUGIN)) {
      checker.observe(Duration.ofMillis(50));
      SYSTEM.flags().artifact(Store.ETCD, PLUGIN, "1.0.0");
      SYSTEM.flags().enable(Store.ETCD, PLUGIN, true);
      checker.awaitConverged("plugin active");
      long pid = pod.sidecar().status().path("agent").path("hostPid").asLong();
      Path ctl = pod.dir().resolve("tmp").resolve("switchboard");
      Path sock = ctl.resolve(pid + ".sock");
      Path token = ctl.resolve(pid + ".token");
      assertThat(sock).as("the runtime's socket, seen from the test machine").exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-------");
      Snapshot before = snapshot(pod);
      assertThat(before.starts()).as("the host logged the plugin's start").isEqualTo(1);
      assertThat(before.state()).isEqualTo("ACTIVE");

      GenericContainer<?> intruder = Pod.container(E2eImages.image(E2eImages.Kind.SIDECAR), "intruder-" + pod.node())
          .withLabel(Box.LABEL, "true").withLabel("dev.switchboard.testkit", "true")
          .withCreateContainerCmdModifier(c -> {
            String pause = pod.boxes().get(2).id();
            c.withUser("1000:1000").withEntrypoint("java", "-XX:-UsePerfData", "-Xmx8m", "-cp", "/e2e-pause", PauseMain.class.getName());
            c.getHostConfig().withPidMode("container:" + pause).withVolumesFrom(new com.github.dockerjava.api.model.VolumesFrom(pause));
          });
      try {
        intruder.start();
        String p = Long.toString(pid);

        // another uid, modes as the runtime set them: the control dir (0700) and socket (0600) keep it out
        String seen = run(intruder, "1000:1000", "uid 1000: status through the real control dir", "host", "status", "--pid", p,
            "--control-dir", "/tmp/switchboard").output();
        assertThat(seen).as("uid 1000 cannot even see the runtime's files").contains("no runtime attached");
        String deactivate = run(intruder, "1000:1000", "uid 1000: deactivate through the real control dir", "host", "deactivate", "--pid", p,
            "--plugin", PLUGIN, "--control-dir", "/tmp/switchboard", "--runtime-jar", RUNTIME).output();
        assertThat(deactivate).as("for uid 1000 there is no runtime to drive").contains("no runtime attached");
        assertUnchanged(pod, before, "after uid 1000 tried the real control dir");

        // a leak: the socket world-writable, the token world-readable; the peer-uid check still refuses
        Files.setPosixFilePermissions(ctl, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        try {
          refused(intruder, "1000:1000", "uid 1000 holding the leaked token: deactivate", List.of("UNAUTHORIZED", "is not the host's user"),
              "host", "deactivate", "--pid", p, "--plugin", PLUGIN, "--control-dir", "/tmp/switchboard", "--runtime-jar", RUNTIME);
          assertThat(pod.host().logs()).as("the host logged the refusal").contains("refused connection").contains("is not the host's user");
        } finally {
          Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
          Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-------"));
          Files.setPosixFilePermissions(ctl, PosixFilePermissions.fromString("rwx------"));
        }
        assertUnchanged(pod, before, "after uid 1000 used the leaked token");

        // another uid attaching itself (its own control dir): the JVM's attach mechanism refuses another user
        refused(intruder, "1000:1000", "uid 1000: attach and load a runtime", List.of("ATTACH_REFUSED"), "host", "activate", "--pid", p,
            "--plugin", PLUGIN, "--jar", "/artifacts/response-header-2.0.0.jar", "--control-dir", "/tmp/intruder-1000", "--runtime-jar", RUNTIME);
        assertUnchanged(pod, before, "after uid 1000 tried to attach");

        // the host's own uid without the token: a control dir with a link to the real socket and a wrong token
        Path fake = Files.createDirectories(pod.dir().resolve("tmp").resolve("no-token"));
        Files.createSymbolicLink(fake.resolve(pid + ".sock"), Path.of("/tmp/switchboard/" + pid + ".sock"));
        Files.writeString(fake.resolve(pid + ".token"), "0123456789abcdef".repeat(4));
        chownNobody(fake);
        refused(intruder, "65534:65534", "uid 65534 with a wrong token: status", List.of("UNAUTHORIZED", "wrong or missing token"),
            "host", "status", "--pid", p, "--control-dir", "/tmp/no-token");
        refused(intruder, "65534:65534", "uid 65534 with a wrong token: deactivate", List.of("UNAUTHORIZED", "wrong or missing token"),
            "host", "deactivate", "--pid", p, "--plugin", PLUGIN, "--control-dir", "/tmp/no-token", "--runtime-jar", RUNTIME);
        assertThat(pod.host().logs()).contains("wrong or missing token");
        assertUnchanged(pod, before, "after uid 65534 tried without the token");
      } finally {
        intruder.stop();
      }

      // no bridge in this topology, so not Checker.verify() (it also compares the two stores): its pod checks instead
      checker.awaitConverged("behaviour unchanged after every attempt", System.nanoTime(), Duration.ofSeconds(30));
      assertThat(checker.orderViolations()).as("the plugin's marker never went away").isEmpty();
      assertThat(checker.failedRequests()).as("failed requests: " + checker.failures()).isZero();
      System.out.printf("E2E %s: %d requests to the host during the attempts, %d failed%n", SCENARIO, checker.requests(), checker.failedRequests());
    }
  }

  record Run(int exit, String output) {}

  /** Runs the CLI in the intruder container as {@code user}; prints the time and the first line of its output. */
  private static Run run(GenericContainer<?> intruder, String user, String what, String... cliArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx96m", "-jar", CLI));
    cmd.addAll(List.of(cliArgs));
    long t0 = System.nanoTime();
    ExecResult r = intruder.execInContainerWithUser(user, cmd.toArray(String[]::new));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    String out = r.getStdout() + r.getStderr();
    System.out.printf("E2E %s: %s -> exit %d in %d ms: %s%n", SCENARIO, what, r.getExitCode(), ms,
        out.lines().filter(l -> !l.isBlank()).findFirst().orElse("(no output)"));
    return new Run(r.getExitCode(), out);
  }

  /** {@link #run}, then asserts a failure exit whose output names every one of {@code reasons}. */
  private static void refused(GenericContainer<?> intruder, String user, String what, List<String> reasons, String... cliArgs) throws Exception {
    Run r = run(intruder, user, what, cliArgs);
    assertThat(r.exit()).as(what + ": " + r.output()).isNotZero();
    for (String reason : reasons) assertThat(r.output()).as(what).contains(reason);
  }

  /** What must not change: the marker, the plugin's status (state, version, since), how often the host started it. */
  record Snapshot(String marker, String state, String version, String since, String hostPid, long starts) {}

  private static Snapshot snapshot(Pod pod) {
    JsonNode st = pod.sidecar().plugin(PLUGIN);
    return new Snapshot(pod.host().marker().orElse("(none)"), st.path("state").asText(), st.path("version").asText(),
        st.path("since").asText(), pod.sidecar().status().path("agent").path("hostPid").asText(),
        pod.host().logs().lines().filter(l -> l.contains(PLUGIN + ": adding")).count());
  }

  private static void assertUnchanged(Pod pod, Snapshot before, String when) {
    assertThat(snapshot(pod)).as(when).isEqualTo(before);
  }

  private static void chownNobody(Path dir) throws Exception {
    var lookup = dir.getFileSystem().getUserPrincipalLookupService();
    try (var s = Files.walk(dir)) {
      for (Path f : s.toList()) {
        Files.getFileAttributeView(f, java.nio.file.attribute.PosixFileAttributeView.class, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            .setOwner(lookup.lookupPrincipalByName("nobody"));
      }
    }
  }
}
