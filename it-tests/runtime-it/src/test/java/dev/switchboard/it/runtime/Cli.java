package dev.switchboard.it.runtime;

import dev.switchboard.testkit.Dist;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real CLI jar ({@code java -jar dist/switchboard.jar ...}) as a process. */
final class Cli {
  private Cli() {}

  record Result(int exit, String stdout, String stderr, long millis) {
    @Override
    public String toString() {
      return "exit " + exit + " in " + millis + " ms\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  static Result run(Path controlDir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Jdks.java17());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-jar");
    cmd.add(Dist.cli().toString());
    for (String a : args) cmd.add(a);
    if (controlDir != null && args.length > 0 && args[0].equals("host")) {
      cmd.add("--control-dir");
      cmd.add(controlDir.toString());
    }
    long t0 = System.nanoTime();
    try {
      Path out = java.nio.file.Files.createTempFile("cli-out", ".txt");
      Path err = java.nio.file.Files.createTempFile("cli-err", ".txt");
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("CLI did not finish within 120 s: " + cmd);
      }
      Result r = new Result(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
          java.nio.file.Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1_000_000);
      java.nio.file.Files.deleteIfExists(out);
      java.nio.file.Files.deleteIfExists(err);
      return r;
    } catch (IOException e) {
      throw new AssertionError("cannot run the CLI: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
