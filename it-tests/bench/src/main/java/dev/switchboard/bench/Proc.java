package dev.switchboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A child JVM (sample host or sidecar) whose output goes to a log file and is kept for waiting on lines. */
final class Proc implements AutoCloseable {
  private final String name;
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Path log;

  /** Children still running; a shutdown hook stops them when the bench JVM is stopped (e.g. by timeout/Ctrl-C). */
  private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }), "bench-child-cleanup"));
  }

  private Proc(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    LIVE.add(process);
    Thread t = new Thread(this::pump, "output-" + name);
    t.setDaemon(true);
    t.start();
  }

  static Proc start(String name, Path logDir, List<String> command) throws IOException {
    return start(name, logDir, command, Map.of());
  }

  /** As {@link #start(String, Path, List)} with extra environment variables (e.g. {@code MALLOC_ARENA_MAX}). */
  static Proc start(String name, Path logDir, List<String> command, Map<String, String> env) throws IOException {
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
    pb.environment().putAll(env);
    return new Proc(name, pb.start(), log);
  }

  /** The JVM flags of host and sidecar in the integration tests. */
  static final List<String> DEFAULT_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC");

  /** Same JVM flags for host and sidecar as the integration tests use. */
  static List<String> java(String... args) {
    return javaWith(DEFAULT_FLAGS, args);
  }

  /** {@code java} with {@code flags} instead of {@link #DEFAULT_FLAGS} (plus {@code bench.childJvmArgs}). */
  static List<String> javaWith(List<String> flags, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    String extra = System.getProperty("bench.childJvmArgs", "").trim(); // e.g. a JFR recording for profiling
    if (!extra.isEmpty()) cmd.addAll(List.of(extra.split("\\s+")));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
        Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      synchronized (lines) {
        lines.add("[output closed: " + e + "]");
        lines.notifyAll();
      }
    }
  }

  /** Waits for a line matching {@code regex}; returns its first group (or the line). */
  String await(String regex, Duration timeout) throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          Matcher m = p.matcher(lines.get(seen));
          if (m.find()) return m.groupCount() > 0 ? m.group(1) : lines.get(seen);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && seen == lines.size())) {
          throw new IllegalStateException(name + ": no line matching '" + regex + "' within " + timeout
              + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; see " + log);
        }
        lines.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
      }
    }
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    LIVE.remove(process);
    try {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
