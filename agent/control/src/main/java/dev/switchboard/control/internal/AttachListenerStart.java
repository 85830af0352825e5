package dev.switchboard.control.internal;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts a HotSpot JVM's attach listener (Linux) the way the Attach API does — a trigger file
 * {@code .attach_pid<pid>} in the target's working directory (else its {@code /tmp}), then {@code
 * SIGQUIT} — but waits for the listener's socket {@code /tmp/.java_pid<pid>} by polling it every
 * half millisecond, where the JDK sleeps 100 ms, then 200 ms, then 300 ms… between checks. A listener
 * that is up 5 ms after the signal is therefore used 5 ms after it, not 100 ms (or 300 ms when it
 * needed just over 100 ms). {@code VirtualMachine.attach} then finds the socket and connects at once.
 *
 * <p>Only a fast path: every case it cannot handle (not Linux, no access to the target's {@code
 * /proc} entries — another user —, a process that does not catch {@code SIGQUIT} yet, no way to send
 * the signal) returns {@link Outcome#NOT_TRIED} and the caller leaves everything to the Attach API.
 * Like the JDK 21+ Attach API, it never sends {@code SIGQUIT} to a process that does not catch it (the
 * default action would kill it).
 *
 * <p>The signal is sent through the Attach API's own native {@code sendQuitTo} when {@code jdk.attach}
 * opens {@code sun.tools.attach} to us ({@code Add-Opens} in the manifest of {@code switchboard.jar}),
 * else with {@code kill -QUIT}.
 */
final class AttachListenerStart {
  private static final System.Logger LOG = System.getLogger("dev.switchboard.control.attach");
  private static final Path PROC = Path.of("/proc");
  private static final long SIGQUIT_BIT = 1L << 2; // signal 3
  private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

  /** What {@link #start} did. */
  enum Outcome {
    /** The listener's socket already existed: the host was attached to before. */
    ALREADY_LISTENING,
    /** Triggered and signalled; the socket appeared. */
    STARTED,
    /** Triggered and signalled twice; no socket within the timeout (attach disabled or the JVM hangs). */
    NO_ANSWER,
    /** The fast path does not apply here; use the Attach API alone. */
    NOT_TRIED
  }

  private AttachListenerStart() {}

  static Outcome start(long pid, long timeoutMillis) {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) return Outcome.NOT_TRIED;
    Path procPid = PROC.resolve(Long.toString(pid));
    Path tmp = procPid.resolve("root").resolve("tmp");
    long nsPid;
    Signals signals;
    try {
      List<String> status = Files.readAllLines(procPid.resolve("status"));
      nsPid = namespacePid(status, pid);
      signals = Signals.parse(status);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "attach fast path not used for " + pid + ": cannot read its /proc status: " + e);
      return Outcome.NOT_TRIED;
    }
    if (!Files.isDirectory(tmp) || !Files.isWritable(tmp)) return Outcome.NOT_TRIED; // another user: leave it to the Attach API
    Path socket = tmp.resolve(".java_pid" + nsPid);
    if (Files.exists(socket)) return Outcome.ALREADY_LISTENING;
    if (!signals.catchesQuit()) {
      LOG.log(System.Logger.Level.DEBUG, "attach fast path not used for " + pid + ": it does not catch SIGQUIT (yet)");
      return Outcome.NOT_TRIED;
    }
    Path trigger = createTrigger(procPid, tmp, nsPid);
    if (trigger == null) return Outcome.NOT_TRIED;
    try {
      if (!sendQuit(pid)) return Outcome.NOT_TRIED;
      long start = System.nanoTime();
      long timeout = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      boolean resent = false;
      while (!Files.exists(socket)) {
        long spent = System.nanoTime() - start;
        if (spent > timeout) return Outcome.NO_ANSWER;
        if (!resent && spent > timeout / 2) { // as the Attach API does: one more chance
          resent = true;
          sendQuit(pid);
        }
        if (!Files.isDirectory(procPid)) return Outcome.NO_ANSWER; // the process exited
        LockSupport.parkNanos(POLL_NANOS);
      }
      LOG.log(System.Logger.Level.DEBUG, "attach listener of " + pid + " up in " + (System.nanoTime() - start) / 1000 + " µs");
      return Outcome.STARTED;
    } finally {
      try {
        Files.deleteIfExists(trigger);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot remove attach trigger " + trigger + ": " + e);
      }
    }
  }

  /** Resolves the native signal method and loads the classes {@link #start} uses. */
  static void prepare() {
    Method m = NativeQuit.METHOD; // class initialisation resolves it
    Signals.parse(List.of("SigIgn:\t0000000000000000", "SigCgt:\t0000000000000004"));
    namespacePid(List.of("NSpid:\t1"), 1);
    LOG.log(System.Logger.Level.TRACE, "attach fast path prepared; native signal " + (m != null));
  }

  /** The pid the target sees itself as (innermost PID namespace), from the {@code NSpid} line. */
  static long namespacePid(List<String> status, long pid) {
    for (String line : status) {
      if (line.startsWith("NSpid:")) {
        String[] parts = line.substring("NSpid:".length()).trim().split("\\s+");
        return Long.parseLong(parts[parts.length - 1]);
      }
    }
    return pid; // kernels without NSpid
  }

  /** SIGQUIT disposition from the {@code SigIgn}/{@code SigCgt} lines of {@code /proc/<pid>/status}. */
  record Signals(boolean ignoresQuit, boolean catchesQuitHandler) {
    boolean catchesQuit() {
      return catchesQuitHandler && !ignoresQuit;
    }

    static Signals parse(List<String> status) {
      Boolean ign = null;
      Boolean cgt = null;
      for (String line : status) {
        if (line.startsWith("SigIgn:")) ign = quitBit(line);
        if (line.startsWith("SigCgt:")) cgt = quitBit(line);
      }
      if (ign == null || cgt == null) throw new IllegalArgumentException("no SigIgn/SigCgt lines in /proc status");
      return new Signals(ign, cgt);
    }

    private static boolean quitBit(String line) {
      String hex = line.substring(line.indexOf(':') + 1).trim();
      String low = hex.length() > 8 ? hex.substring(hex.length() - 8) : hex; // the standard signals
      return (Long.parseLong(low, 16) & SIGQUIT_BIT) != 0;
    }
  }

  private static Path createTrigger(Path procPid, Path tmp, long nsPid) {
    String name = ".attach_pid" + nsPid;
    for (Path dir : new Path[] {procPid.resolve("cwd"), tmp}) {
      Path f = dir.resolve(name);
      try {
        Files.createFile(f);
        return f;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        LOG.log(System.Logger.Level.DEBUG, "attach trigger " + f + " exists (another attach in progress); not using the fast path");
        return null;
      } catch (IOException | SecurityException e) {
        LOG.log(System.Logger.Level.DEBUG, "cannot create attach trigger " + f + ": " + e);
      }
    }
    return null;
  }

  private static boolean sendQuit(long pid) {
    Method native0 = NativeQuit.METHOD;
    if (native0 != null) {
      try {
        native0.invoke(null, (int) pid);
        return true;
      } catch (IllegalAccessException | InvocationTargetException e) {
        LOG.log(System.Logger.Level.DEBUG, "sendQuitTo(" + pid + ") failed, trying kill: " + e);
      }
    }
    for (String kill : new String[] {"/bin/kill", "/usr/bin/kill"}) {
      if (!Files.isExecutable(Path.of(kill))) continue;
      try {
        Process p = new ProcessBuilder(kill, "-QUIT", Long.toString(pid)).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) return true;
        p.destroyForcibly();
        LOG.log(System.Logger.Level.DEBUG, kill + " -QUIT " + pid + " failed");
        return false;
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "cannot run " + kill + ": " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** The Attach API's native {@code sendQuitTo(int)}, when {@code sun.tools.attach} is open to us; else null. */
  private static final class NativeQuit {
    static final Method METHOD = find();

    private static Method find() {
      try {
        Method m = Class.forName("sun.tools.attach.VirtualMachineImpl").getDeclaredMethod("sendQuitTo", int.class);
        m.setAccessible(true);
        return m;
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        LOG.log(System.Logger.Level.DEBUG, "attach: native sendQuitTo not accessible (" + e + "); kill -QUIT is used instead");
        return null;
      }
    }
  }
}
