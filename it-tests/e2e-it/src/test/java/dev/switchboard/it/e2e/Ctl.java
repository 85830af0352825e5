package dev.switchboard.it.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code switchboard ctl ...} in a child JVM on the test side (from the private copy of dist/switchboard.jar). */
final class Ctl {
  /** Exit code, standard output and standard error (logging) of one ctl run. */
  public record Result(int exit, String output, String errors) {}

  private Ctl() {}

  static Result run(Path jar, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "ctl"));
    cmd.addAll(args);
    try {
      java.nio.file.Path err = java.nio.file.Files.createTempFile("switchboard-ctl", ".err");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("switchboard ctl " + args + " did not exit within 90 s");
      }
      Result r = new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), java.nio.file.Files.readString(err));
      java.nio.file.Files.deleteIfExists(err);
      System.out.println("$ switchboard ctl " + String.join(" ", args) + "  -> exit " + r.exit());
      return r;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot run switchboard ctl", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
