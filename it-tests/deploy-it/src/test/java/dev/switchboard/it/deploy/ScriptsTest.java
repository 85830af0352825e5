package dev.switchboard.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scripts a new user runs first, with a recording {@code mvn} on the PATH instead of Maven. */
class ScriptsTest {
  @TempDir Path tmp;

  @Test
  void benchBuildsOnlineByDefaultSoAFreshCloneCanDownloadWhatItNeeds() throws Exception {
    assertThat(benchMavenArguments(Map.of())).contains("-Pbench").doesNotContain("-o");
  }

  @Test
  void benchBuildsOfflineOnlyWhenAskedTo() throws Exception {
    assertThat(benchMavenArguments(Map.of("MVN_OFFLINE", "-o"))).contains("-o", "-Pbench");
    assertThat(benchMavenArguments(Map.of("MVN_OFFLINE", ""))).contains("-Pbench").doesNotContain("-o");
  }

  /** Runs scripts/bench.sh until its build step; the fake mvn records its arguments and stops the script. */
  List<String> benchMavenArguments(Map<String, String> env) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin-" + env.hashCode()));
    Path args = bin.resolve("mvn-args");
    Path mvn = bin.resolve("mvn");
    Files.writeString(mvn, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > '" + args + "'\nexit 3\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder("bash", Paths.root().resolve("scripts/bench.sh").toString())
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("bench-out.txt").toFile());
    pb.environment().remove("MVN_OFFLINE");
    pb.environment().remove("SKIP_BUILD");
    pb.environment().putAll(env);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bench.sh stopped at the fake mvn").isTrue();
    assertThat(p.exitValue()).as("bench.sh exits with the build's failure").isEqualTo(3);
    assertThat(args).as("bench.sh ran mvn").isRegularFile();
    return Files.readAllLines(args);
  }
}
