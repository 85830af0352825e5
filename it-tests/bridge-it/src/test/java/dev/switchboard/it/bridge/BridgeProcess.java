package dev.switchboard.it.bridge;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code java -jar dist/switchboard.jar bridge --config ...} process. */
final class BridgeProcess implements AutoCloseable {
  private static final Pattern HTTP = Pattern.compile("(?m)^HTTP (\\d+)$");
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final Path log;
  private final Process process;
  private final int port;

  private BridgeProcess(String name, Path log, Process process, int port) {
    this.name = name;
    this.log = log;
    this.process = process;
    this.port = port;
  }

  private static Path copied;

  /**
   * A private copy of dist/switchboard.jar, checked to be a complete jar: other builds may rewrite
   * dist/ while these tests run.
   */
  static synchronized Path jar() throws Exception {
    if (copied != null) {
      return copied;
    }
    Path tmp = Files.createTempFile("switchboard-bridge-it", ".jar");
    tmp.toFile().deleteOnExit();
    Exception last = null;
    for (int i = 0; i < 30; i++) {
      try {
        Files.copy(dist(), tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (java.util.zip.ZipFile zf = new java.util.zip.ZipFile(tmp.toFile())) {
          var entry = zf.getEntry("dev/switchboard/cli/BridgeCommand.class");
          if (entry == null) {
            throw new IllegalStateException("no BridgeCommand in " + dist());
          }
          zf.getInputStream(entry).readAllBytes();
        }
        copied = tmp;
        return tmp;
      } catch (Exception e) {
        last = e;
        Thread.sleep(2000);
      }
    }
    throw last;
  }

  static Path dist() {
    String d = System.getProperty("switchboard.dist");
    if (d == null) {
      throw new IllegalStateException("system property switchboard.dist is not set (run through Maven)");
    }
    Path jar = Path.of(d, "switchboard.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build the CLI first (mvn install)");
    }
    return jar;
  }

  static BridgeProcess start(Path dir, String name, String yaml) throws Exception {
    Path cfg = dir.resolve(name + ".yaml");
    Files.writeString(cfg, yaml + "id: " + name + "\n");
    Path log = dir.resolve(name + ".log");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", jar().toString(), "bridge", "--config", cfg.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_") && !k.equals("SWITCHBOARD_TESTKIT"));
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String out = Files.exists(log) ? Files.readString(log) : "";
      Matcher m = HTTP.matcher(out);
      if (m.find()) {
        return new BridgeProcess(name, log, p, Integer.parseInt(m.group(1)));
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(name + " exited with " + p.exitValue() + ":\n" + out);
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new IllegalStateException(name + " did not start within 60 s:\n" + Files.readString(log));
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  String get(String path) throws IOException, InterruptedException {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Sum of every sample of {@code metric} whose labels contain {@code labelPart}; 0 when the bridge does not answer. */
  double metric(String metric, String labelPart) {
    try {
      double sum = 0;
      for (String line : get("/metrics").split("\n")) {
        if (line.startsWith(metric) && (line.charAt(metric.length()) == ' ' || line.charAt(metric.length()) == '{') && line.contains(labelPart)) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (Exception e) {
      return 0;
    }
  }

  /** Mean of a histogram's samples ({@code _sum / _count}) with the given labels; NaN before the first. */
  double mean(String histogram, String labelPart) {
    return metric(histogram + "_sum", labelPart) / metric(histogram + "_count", labelPart);
  }

  boolean leader() {
    return metric("switchboard_bridge_leader", "") == 1.0;
  }

  long writes() {
    return (long) metric("switchboard_bridge_writes_total", "");
  }

  long conflicts() {
    return (long) metric("switchboard_bridge_conflicts_total", "");
  }

  private void signal(String sig) throws Exception {
    new ProcessBuilder("kill", "-" + sig, String.valueOf(pid())).inheritIO().start().waitFor();
  }

  /** SIGSTOP: the process is frozen (sees nothing, writes nothing). */
  void pause() throws Exception {
    signal("STOP");
  }

  void resume() throws Exception {
    signal("CONT");
  }

  /** SIGKILL, like a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: a graceful stop (steps down at once). */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      resume();
      kill();
    }
  }
}
