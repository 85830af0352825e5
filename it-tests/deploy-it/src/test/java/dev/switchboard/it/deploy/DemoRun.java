package dev.switchboard.it.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One real {@code java -jar dist/switchboard.jar demo} process on free ports, output in a file. */
final class DemoRun implements AutoCloseable {
  private static final Pattern PID = Pattern.compile("pid (\\d+)\\)");
  /**
   * A JVM started with SIGINT ignored (any job started with {@code &} by a non-interactive shell, e.g. a CI
   * script run in the background) installs no handler for it, so Ctrl-C would not reach the demo. The tests
   * send SIGINT on purpose: start the demo with the default disposition ({@code env --default-signal},
   * coreutils 8.31+), where available.
   */
  private static final List<String> DEFAULT_SIGINT = defaultSigint();

  private static List<String> defaultSigint() {
    try {
      Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0 ? List.of("env", "--default-signal=INT") : List.of();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  final Path workDir;
  final Path output;
  final Process process;
  /** Port by flag, e.g. {@code --host-port}. */
  final java.util.Map<String, Integer> ports;

  private DemoRun(Path workDir, Path output, Process process, java.util.Map<String, Integer> ports) {
    this.workDir = workDir;
    this.output = output;
    this.process = process;
    this.ports = ports;
  }

  static DemoRun start(Path tmp, String... extra) throws IOException {
    Path work = tmp.resolve("demo-work");
    Path out = tmp.resolve("demo-output.txt");
    List<String> cmd = new ArrayList<>(DEFAULT_SIGINT);
    cmd.addAll(List.of(Paths.java().toString(), "-jar", Paths.dist().resolve("switchboard.jar").toString(),
        "demo", "--work-dir", work.toString()));
    Set<Integer> used = new HashSet<>();
    java.util.Map<String, Integer> ports = new java.util.LinkedHashMap<>();
    for (String flag : List.of("--etcd-port", "--etcd-peer-port", "--zookeeper-port", "--host-port", "--agent-port", "--bridge-port", "--console-port")) {
      int port = freePort(used);
      ports.put(flag, port);
      cmd.add(flag);
      cmd.add(Integer.toString(port));
    }
    cmd.addAll(List.of(extra));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    return new DemoRun(work, out, p, ports);
  }

  private static int freePort(Set<Integer> used) throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        if (used.add(s.getLocalPort())) return s.getLocalPort();
      }
    }
  }

  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + output + ": " + e + ")";
    }
  }

  /** The pids of the children the demo printed ("... pid N)"). */
  List<Long> childPids() {
    List<Long> pids = new ArrayList<>();
    Matcher m = PID.matcher(output());
    while (m.find()) pids.add(Long.parseLong(m.group(1)));
    return pids;
  }

  /** Processes still alive whose command line names the work directory (every child's does). */
  List<String> leftovers() {
    List<String> left = new ArrayList<>();
    String marker = workDir.toString();
    ProcessHandle.allProcesses().forEach(h -> {
      if (h.pid() == ProcessHandle.current().pid()) return;
      String line = h.info().commandLine().orElse("");
      if (line.contains(marker) && h.isAlive()) left.add(h.pid() + " " + line);
    });
    return left;
  }

  boolean waitFor(Duration d) throws InterruptedException {
    return process.waitFor(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Safety net for a failed test: nothing of this run survives it. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    for (Long pid : childPids()) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    String marker = workDir.toString();
    ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().orElse("").contains(marker))
        .filter(h -> h.pid() != ProcessHandle.current().pid())
        .forEach(ProcessHandle::destroyForcibly);
  }
}
