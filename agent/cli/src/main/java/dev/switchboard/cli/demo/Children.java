package dev.switchboard.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The demo's child processes. Each runs in its own session ({@code setsid}), so a Ctrl-C in the
 * terminal reaches only the demo, which then stops them in reverse order. A small watchdog
 * process outlives the demo JVM only to kill the children if the demo dies without running its
 * shutdown hook (SIGKILL, crash); the pids it kills are in {@code <workDir>/children.pids}.
 */
final class Children implements AutoCloseable {
  /** One started child. */
  record Child(String name, Process process, Path log) {
    long pid() {
      return process.pid();
    }
  }

  private final Path workDir;
  private final Path pidsFile;
  private final List<Child> children = Collections.synchronizedList(new ArrayList<>());
  private final boolean setsid;
  private Process watchdog;

  Children(Path workDir) {
    this.workDir = workDir;
    this.pidsFile = workDir.resolve("children.pids");
    this.setsid = Preflight.onPath("setsid").isPresent();
  }

  /** Starts the watchdog; call once before the first child. */
  void startWatchdog() {
    Path script = workDir.resolve("watchdog.sh");
    String text = String.join("\n",
        "#!/bin/sh",
        "# Kills the demo's children when the demo JVM (pid $1) is gone without cleaning up.",
        "trap '' INT HUP",
        "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done",
        "[ -f \"$2\" ] || exit 0",
        "for p in $(cat \"$2\"); do kill -TERM \"$p\" 2>/dev/null; done",
        "sleep 5",
        "for p in $(cat \"$2\"); do kill -KILL \"$p\" 2>/dev/null; done",
        "rm -f \"$2\"",
        "");
    try {
      Files.writeString(script, text);
      List<String> cmd = new ArrayList<>();
      if (setsid) cmd.add("setsid");
      cmd.addAll(List.of("/bin/sh", script.toString(), Long.toString(ProcessHandle.current().pid()), pidsFile.toString()));
      watchdog = new ProcessBuilder(cmd)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      throw new DemoException(DemoException.Code.COMPONENT_FAILED, "cannot start the watchdog: " + e.getMessage(), e);
    }
  }

  /** Starts {@code command} with stdout and stderr in {@code <workDir>/logs/<name>.log}. */
  Child start(String name, List<String> command, Path dir) {
    Path log = workDir.resolve("logs").resolve(name + ".log");
    List<String> cmd = new ArrayList<>();
    if (setsid) cmd.add("setsid");
    cmd.addAll(command);
    try {
      Files.createDirectories(log.getParent());
      Process p = new ProcessBuilder(cmd)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .start();
      Child c = new Child(name, p, log);
      children.add(c);
      writePids();
      return c;
    } catch (IOException e) {
      throw new DemoException(DemoException.Code.COMPONENT_FAILED,
          "cannot start " + name + " (" + String.join(" ", command) + "): " + e.getMessage(), e);
    }
  }

  private void writePids() throws IOException {
    String pids;
    synchronized (children) {
      pids = children.stream().map(c -> Long.toString(c.pid())).collect(Collectors.joining("\n"));
    }
    Path tmp = workDir.resolve("children.pids.tmp");
    Files.writeString(tmp, pids + "\n");
    Files.move(tmp, pidsFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The last {@code lines} lines of a child's log, for error messages. */
  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Stops every child, newest first: SIGTERM, then SIGKILL after a grace period; descendants too. */
  @Override
  public void close() {
    List<Child> copy;
    synchronized (children) {
      copy = new ArrayList<>(children);
    }
    Collections.reverse(copy);
    for (Child c : copy) stop(c);
    try {
      Files.deleteIfExists(pidsFile);
    } catch (IOException e) {
      System.err.println("demo: cannot delete " + pidsFile + ": " + e.getMessage());
    }
    if (watchdog != null) {
      watchdog.descendants().forEach(ProcessHandle::destroyForcibly);
      watchdog.destroyForcibly();
    }
  }

  private static void stop(Child c) {
    ProcessHandle h = c.process().toHandle();
    List<ProcessHandle> descendants = h.descendants().collect(Collectors.toList());
    h.destroy();
    try {
      if (!c.process().waitFor(10, TimeUnit.SECONDS)) {
        System.out.println("  " + c.name() + " did not stop within 10 s; killing it");
        h.destroyForcibly();
        c.process().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      h.destroyForcibly();
    }
    for (ProcessHandle d : descendants) {
      if (d.isAlive()) d.destroyForcibly();
    }
  }
}
