package dev.switchboard.it.agent;

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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A child JVM whose merged output is kept (in memory and in a log file) for assertions and diagnosis. */
final class Proc implements AutoCloseable {
  private final String name;
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Path log;
  private boolean outputEnded; // guarded by lines

  private Proc(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    Thread t = new Thread(this::pump, "output-" + name);
    t.setDaemon(true);
    t.start();
  }

  static Proc start(String name, Path logDir, List<String> command) throws IOException {
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_") && !k.equals("SWITCHBOARD_TESTKIT"));
    return new Proc(name, pb.start(), log);
  }

  static List<String> java(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
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
    } finally {
      synchronized (lines) {
        outputEnded = true;
        lines.notifyAll();
      }
    }
  }

  /** Waits until the process exited and all its output was read; returns the exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + ": still running after " + timeout + "; output:\n" + output());
    }
    synchronized (lines) {
      while (!outputEnded) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError(name + ": output not closed within " + timeout);
        lines.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
      }
    }
    return process.exitValue();
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
          throw new AssertionError(name + ": no line matching '" + regex + "' within " + timeout
              + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; output:\n" + output());
        }
        lines.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
      }
    }
  }

  boolean contains(String text) {
    synchronized (lines) {
      return lines.stream().anyMatch(l -> l.contains(text));
    }
  }

  List<String> linesMatching(String regex) {
    Pattern p = Pattern.compile(regex);
    synchronized (lines) {
      return lines.stream().filter(l -> p.matcher(l).find()).toList();
    }
  }

  String output() {
    synchronized (lines) {
      int from = Math.max(0, lines.size() - 80);
      return String.join("\n", lines.subList(from, lines.size()));
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL, no shutdown hooks. */
  void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  @Override
  public void close() {
    try {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
