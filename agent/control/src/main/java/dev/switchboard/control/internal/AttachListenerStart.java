package dev.switchboard.control.internal;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
 * <p>Before any signal: a process whose {@code /proc/<pid>/status} shows {@code SIGQUIT} not caught
 * (not a JVM, or a JVM still starting) is refused — the signal's default action would kill it (the JDK
 * 17 Attach API sends it regardless) — and the JDK's own attachability check ({@code
 * HotSpotAttachProvider.testAttachable}: a JVM started with {@code -XX:+DisableAttachMechanism} is
 * refused at once, without a signal and its thread dump).
 *
 * <p>The fast path needs {@code jdk.attach} to open {@code sun.tools.attach} to us ({@code Add-Opens}
 * in the manifest of {@code switchboard.jar}): the attachability check and the signal ({@code
 * sendQuitTo}) are the Attach API's own. Without it, and in every case it cannot handle (not Linux, no
 * access to the target's {@code /proc} entries — another user), it returns {@link Outcome#NOT_TRIED}
 * and the caller leaves everything to the Attach API.
 */
final class AttachListenerStart {
  private static final System.Logger LOG = dev.switchboard.control.server.Logs.get("dev.switchboard.control.attach");
  private static final Path PROC = Path.of("/proc");
  private static final long SIGQUIT_BIT = 1L << 2; // signal 3
  private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

  /** What {@link #start} did. */
  enum Outcome {
    /** The listener's socket already existed: the host was attached to before. */
    ALREADY_LISTENING,
    /** Triggered and signalled; the socket appeared. */
    STARTED,
    /** Triggered and signalled twice; no socket within the timeout (the JVM hangs or is not HotSpot). */
    NO_ANSWER,
    /** The JDK's attachability check refused the process ({@link Result#detail()} says why); not signalled. */
    NOT_ATTACHABLE,
    /** The process does not catch {@code SIGQUIT}: not a JVM, or a JVM still starting; not signalled. */
    NO_QUIT_HANDLER,
    /** The calling thread was interrupted while waiting for the socket. */
    INTERRUPTED,
    /** The fast path does not apply here; use the Attach API alone. */
    NOT_TRIED
  }

  /** An outcome and, for refusals, the reason. */
  record Result(Outcome outcome, String detail) {
    static Result of(Outcome o) {
      return new Result(o, null);
    }
  }

  private AttachListenerStart() {}

  static Result start(long pid, long timeoutMillis) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return Result.of(Outcome.NOT_TRIED);
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
      return Result.of(Outcome.NOT_TRIED);
    }
    if (!Files.isDirectory(tmp) || !Files.isWritable(tmp)) return Result.of(Outcome.NOT_TRIED); // another user: the Attach API decides
    Path socket = tmp.resolve(".java_pid" + nsPid);
    if (Files.exists(socket)) return Result.of(Outcome.ALREADY_LISTENING);
    if (!signals.catchesQuit()) {
      return new Result(Outcome.NO_QUIT_HANDLER, "process " + pid + " does not catch SIGQUIT (" + signals
          + "): not a JVM, or a JVM still starting; it was not signalled, the signal would kill it");
    }
    if (!JdkAttach.AVAILABLE) return Result.of(Outcome.NOT_TRIED);
    String refusal = JdkAttach.testAttachable(pid);
    if (refusal != null) return new Result(Outcome.NOT_ATTACHABLE, refusal);
    Trigger trigger = Trigger.create(procPid, tmp, nsPid);
    if (trigger == null) return Result.of(Outcome.NOT_TRIED);
    try {
      if (!JdkAttach.sendQuit(pid)) return Result.of(Outcome.NOT_TRIED);
      long start = System.nanoTime();
      long timeout = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      boolean resent = false;
      while (!Files.exists(socket)) {
        long spent = System.nanoTime() - start;
        if (spent > timeout) return Result.of(Outcome.NO_ANSWER);
        if (!Files.isDirectory(procPid)) return Result.of(Outcome.NO_ANSWER); // the process exited
        if (!resent && spent > timeout / 2) { // as the Attach API does: one more chance
          resent = true;
          JdkAttach.sendQuit(pid);
        }
        LockSupport.parkNanos(POLL_NANOS);
        if (Thread.currentThread().isInterrupted()) return Result.of(Outcome.INTERRUPTED);
      }
      LOG.log(System.Logger.Level.DEBUG, "attach listener of " + pid + " up in " + (System.nanoTime() - start) / 1000 + " µs");
      return Result.of(Outcome.STARTED);
    } finally {
      trigger.delete();
    }
  }

  /** Resolves the Attach API's internals and loads the classes {@link #start} uses. */
  static void prepare() {
    boolean available = JdkAttach.AVAILABLE; // class initialisation resolves the methods
    Signals.parse(List.of("SigIgn:\t0000000000000000", "SigCgt:\t0000000000000004"));
    namespacePid(List.of("NSpid:\t1"), 1);
    LOG.log(System.Logger.Level.TRACE, "attach fast path prepared; available " + available);
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

    @Override
    public String toString() {
      return "SIGQUIT " + (ignoresQuit ? "ignored" : catchesQuitHandler ? "caught" : "default action");
    }
  }

  /**
   * The trigger file, created through {@code /proc/<pid>/cwd} (else {@code /proc/<pid>/root/tmp}).
   * Removed through the same path; if the process exited meanwhile that path is gone, and the file
   * is removed by the real path it had when created, if that is still an empty file of that name.
   */
  private record Trigger(Path viaProc, Path real) {
    static Trigger create(Path procPid, Path tmp, long nsPid) {
      String name = ".attach_pid" + nsPid;
      for (Path dir : new Path[] {procPid.resolve("cwd"), tmp}) {
        Path f = dir.resolve(name);
        try {
          Files.createFile(f);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          LOG.log(System.Logger.Level.DEBUG, "attach trigger " + f + " exists (another attach in progress); not using the fast path");
          return null;
        } catch (IOException | SecurityException e) {
          LOG.log(System.Logger.Level.DEBUG, "cannot create attach trigger " + f + ": " + e);
          continue;
        }
        Path real = null;
        try {
          real = f.toRealPath();
        } catch (IOException e) {
          LOG.log(System.Logger.Level.DEBUG, "cannot resolve attach trigger " + f + ": " + e);
        }
        return new Trigger(f, real);
      }
      return null;
    }

    void delete() {
      try {
        if (Files.deleteIfExists(viaProc)) return;
        if (real != null && Files.isRegularFile(real, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.size(real) == 0
            && real.getFileName().equals(viaProc.getFileName())) {
          Files.deleteIfExists(real);
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot remove attach trigger " + viaProc + " (" + real + "): " + e);
      }
    }
  }

  /**
   * The Attach API's own attachability check and signal, when {@code sun.tools.attach} is open to
   * us; otherwise {@link #AVAILABLE} is false.
   */
  private static final class JdkAttach {
    static final Object PROVIDER;
    static final Method TEST_ATTACHABLE;
    static final Method SEND_QUIT;
    static final boolean AVAILABLE;

    static {
      Object provider = null;
      Method test = null;
      Method quit = null;
      try {
        Class<?> hotspot = Class.forName("sun.tools.attach.HotSpotAttachProvider");
        for (com.sun.tools.attach.spi.AttachProvider p : com.sun.tools.attach.spi.AttachProvider.providers()) {
          if (hotspot.isInstance(p)) provider = p;
        }
        test = hotspot.getDeclaredMethod("testAttachable", String.class);
        test.setAccessible(true);
        quit = Class.forName("sun.tools.attach.VirtualMachineImpl").getDeclaredMethod("sendQuitTo", int.class);
        quit.setAccessible(true);
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        LOG.log(System.Logger.Level.DEBUG, "attach fast path unavailable (" + e + "); the Attach API is used alone");
        test = null;
        quit = null;
      }
      PROVIDER = provider;
      TEST_ATTACHABLE = test;
      SEND_QUIT = quit;
      AVAILABLE = provider != null && test != null && quit != null;
    }

    /** Null when attachable, else the Attach API's reason. */
    static String testAttachable(long pid) {
      try {
        TEST_ATTACHABLE.invoke(PROVIDER, Long.toString(pid));
        return null;
      } catch (InvocationTargetException e) {
        Throwable c = e.getCause();
        if (c instanceof com.sun.tools.attach.AttachNotSupportedException) return c.getMessage();
        LOG.log(System.Logger.Level.DEBUG, "attachability check of " + pid + " failed: " + c);
        return null; // the Attach API checks again and reports
      } catch (IllegalAccessException e) {
        LOG.log(System.Logger.Level.DEBUG, "attachability check of " + pid + " not accessible: " + e);
        return null;
      }
    }

    static boolean sendQuit(long pid) {
      try {
        SEND_QUIT.invoke(null, (int) pid);
        return true;
      } catch (IllegalAccessException | InvocationTargetException e) {
        LOG.log(System.Logger.Level.DEBUG, "sendQuitTo(" + pid + ") failed: " + e);
        return false;
      }
    }
  }
}
