package dev.switchboard.it.runtime;

import dev.switchboard.testkit.Dist;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A separately started host JVM ({@code java -jar dist/sample-host.jar --port 0} by default);
 * collects its output lines, knows its pid and port, and is killed on {@link #close()}.
 */
final class HostProcess implements AutoCloseable {
  final Process process;
  final List<String> lines = new CopyOnWriteArrayList<>();
  final int port;
  final String name;

  private static final java.util.regex.Pattern LISTENING = java.util.regex.Pattern.compile("^LISTENING (\\d+)");

  private HostProcess(String name, List<String> command, boolean expectPort) throws IOException {
    this(name, command, expectPort ? LISTENING : null, null, 60);
  }

  /** With {@code portLine}: waits for a line it finds in, the port is its group 1. */
  private HostProcess(String name, List<String> command, java.util.regex.Pattern portLine, Path workDir, int startSeconds)
      throws IOException {
    this(name, command, portLine, workDir, startSeconds, -1);
  }

  /** {@code knownPort}: the port when the caller chose it (no {@code portLine}), else -1. */
  private HostProcess(String name, List<String> command, java.util.regex.Pattern portLine, Path workDir, int startSeconds,
      int knownPort) throws IOException {
    this.name = name;
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (workDir != null) pb.directory(workDir.toFile());
    this.process = pb.start();
    Thread t = new Thread(this::pump, "host-output-" + process.pid());
    t.setDaemon(true);
    t.start();
    int p = knownPort;
    if (portLine != null) {
      String line;
      try {
        line = await(l -> portLine.matcher(l).find(), startSeconds);
      } catch (AssertionError e) {
        process.destroyForcibly(); // nobody else holds it yet
        throw e;
      }
      java.util.regex.Matcher m = portLine.matcher(line);
      if (!m.find()) throw new AssertionError("no port in " + line);
      p = Integer.parseInt(m.group(1));
    }
    this.port = p;
  }

  /**
   * A standalone Jetty ({@code java -jar <home>/start.jar} in {@code base}) on an ephemeral port; the
   * port is read from Jetty's "Started ServerConnector@…{0.0.0.0:PORT}" line.
   */
  static HostProcess jetty(String javaBin, Path home, Path base) throws IOException {
    return new HostProcess("jetty", dev.switchboard.testkit.JettyHome.command(javaBin, home, base),
        java.util.regex.Pattern.compile(dev.switchboard.testkit.JettyHome.PORT_LINE), base, 180);
  }

  /**
   * An unmodified ZooKeeper server ({@code java -cp <its jars> org.apache.zookeeper.server.ZooKeeperServerMain zoo.cfg},
   * zoo.cfg and data in {@code work}) on 127.0.0.1:{@code clientPort}, ready once it answers {@code srvr} there.
   */
  static HostProcess zooKeeper(String java, Path work, int clientPort) throws IOException {
    HostProcess h = new HostProcess("zookeeper", dev.switchboard.testkit.StandaloneZooKeeper.command(java, work, clientPort), null,
        work, 0, clientPort);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!dev.switchboard.testkit.StandaloneZooKeeper.serving(clientPort)) {
      if (!h.process.isAlive() || System.nanoTime() > end) {
        h.close();
        throw new AssertionError("ZooKeeper on port " + clientPort + " not serving within 60 s; alive=" + h.process.isAlive()
            + "; output:\n" + h.output());
      }
      sleep(50);
    }
    return h;
  }

  /** The sample host on an ephemeral port, with the given java binary and extra JVM options. */
  static HostProcess sampleHost(String java, String... jvmOptions) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-Xmx128m");
    cmd.addAll(List.of(jvmOptions));
    cmd.add("-jar");
    cmd.add(Dist.host().toString());
    cmd.add("--port");
    cmd.add("0");
    return new HostProcess("sample-host", cmd, true);
  }

  /**
   * {@code java -jar dist/message-host.jar args...}: the sample Kafka consumer, ready once its group assigned it
   * partitions (its {@code ASSIGNED} line).
   */
  static HostProcess messageHost(String java, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
        Dist.file("message-host.jar").toString()));
    cmd.addAll(List.of(args));
    HostProcess h = new HostProcess("message-host", cmd, null, null, 60);
    try {
      h.await(l -> l.startsWith("ASSIGNED "), 60);
    } catch (AssertionError e) {
      h.close();
      throw e;
    }
    return h;
  }

  /**
   * {@code java -jar dist/spring-boot-host.jar}: a Spring Boot executable jar (plugin API and starter in
   * {@code BOOT-INF/lib}) on an ephemeral port.
   */
  static HostProcess springBootHost(String java, String... jvmOptions) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-Xmx256m");
    cmd.addAll(List.of(jvmOptions));
    cmd.add("-jar");
    cmd.add(Dist.file("spring-boot-host.jar").toString());
    cmd.add("--server.port=0");
    return new HostProcess("spring-boot-host", cmd, LISTENING, null, 180); // a Spring Boot start takes 5-40 s on a loaded 2-core machine
  }

  /** Any main class from this module's test classes (a host without the plugin API). */
  static HostProcess testMain(Class<?> main, String... jvmOptions) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Jdks.java17());
    cmd.addAll(List.of(jvmOptions));
    cmd.add("-cp");
    cmd.add(location(main));
    cmd.add(main.getName());
    HostProcess h = new HostProcess(main.getSimpleName(), cmd, false);
    h.await(l -> l.startsWith("READY"), 30);
    return h;
  }

  /** A main class of this module's tests with {@code classPath} appended, ready when a line contains {@code ready}. */
  static HostProcess testMainWith(Class<?> main, String classPath, String ready, String... jvmOptions) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Jdks.java17());
    cmd.addAll(List.of(jvmOptions));
    cmd.add("-cp");
    cmd.add(location(main) + java.io.File.pathSeparator + classPath);
    cmd.add(main.getName());
    HostProcess h = new HostProcess(main.getSimpleName(), cmd, false);
    h.await(l -> l.contains(ready), 30);
    return h;
  }

  /** A main class of this module's tests with the control channel on its class path (a controller process). */
  static HostProcess controller(Class<?> main, String readyPrefix, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Jdks.java17());
    cmd.add("-cp");
    cmd.add(location(main) + java.io.File.pathSeparator + location(dev.switchboard.control.RuntimeClient.class));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    HostProcess h = new HostProcess(main.getSimpleName(), cmd, false);
    h.await(l -> l.startsWith(readyPrefix), 60);
    return h;
  }

  /** {@code java -jar dist/switchboard.jar args...} as a long-running process, ready when a line contains {@code ready}. */
  static HostProcess cli(String ready, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Jdks.java17(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
        Dist.cli().toString()));
    cmd.addAll(List.of(args));
    HostProcess h = new HostProcess("switchboard " + args[0], cmd, false);
    h.await(l -> l.contains(ready), 60);
    return h;
  }

  static String location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** Kills the process at once (SIGKILL), as a crash would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  long pid() {
    return process.pid();
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) {
        lines.add(l);
        if (Boolean.getBoolean("switchboard.it.echo")) System.out.println("[" + name + " " + process.pid() + "] " + l);
      }
    } catch (IOException e) {
      lines.add("<output closed: " + e + ">");
    }
  }

  /** Waits for an output line matching {@code p}. */
  String await(Predicate<String> p, int seconds) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      for (String l : lines) if (p.test(l)) return l;
      if (!process.isAlive()) break;
      sleep(20);
    }
    for (String l : lines) if (p.test(l)) return l;
    throw new AssertionError(name + " " + process.pid() + ": expected output line not seen within " + seconds + " s; alive="
        + process.isAlive() + "; output:\n" + String.join("\n", lines));
  }

  /** Sends a line to the host's stdin (test hosts read commands). */
  void send(String line) throws IOException {
    process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  String output() {
    return String.join("\n", lines);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
