package dev.switchboard.sidecar.host;

import dev.switchboard.control.Jvms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Finds the host JVM's pid: a fixed {@code pid}, a {@code pidFile} read on every lookup (so a
 * restarted host with a new pid is found), or a {@code match} regex searched in every attachable
 * JVM's main class/jar and arguments, then its full command line.
 */
public interface HostLocator {
  /** The pid of a live host; throws {@link HostException} naming why none was found. */
  long locate();

  /** What this locator looks for, for messages. */
  String describe();

  static HostLocator pid(long pid) {
    if (pid <= 0) throw new IllegalArgumentException("host.pid <= 0: " + pid);
    return new HostLocator() {
      @Override
      public long locate() {
        return alive(pid, "host.pid " + pid);
      }

      @Override
      public String describe() {
        return "pid " + pid;
      }
    };
  }

  static HostLocator pidFile(Path file) {
    Objects.requireNonNull(file, "pidFile == null");
    return new HostLocator() {
      @Override
      public long locate() {
        String text;
        try {
          text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          throw new HostException("cannot read host.pidFile " + file + ": " + e);
        }
        long pid;
        try {
          pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
          throw new HostException("host.pidFile " + file + " does not hold a pid: '" + text + "'");
        }
        return alive(pid, "pid " + pid + " from " + file);
      }

      @Override
      public String describe() {
        return "pid file " + file;
      }
    };
  }

  static HostLocator match(String regex) {
    Pattern p = Pattern.compile(regex);
    long self = ProcessHandle.current().pid();
    return new HostLocator() {
      @Override
      public long locate() {
        List<Long> found = new ArrayList<>();
        for (Jvms.Jvm jvm : Jvms.list()) {
          long pid = jvm.pid();
          if (pid == self) continue;
          String cmd = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
          if (p.matcher(jvm.displayName()).find() || p.matcher(cmd).find()) found.add(pid);
        }
        if (found.isEmpty()) throw new HostException("no JVM matches host.match '" + regex + "'");
        if (found.size() > 1) {
          throw new HostException("host.match '" + regex + "' matches " + found.size() + " JVMs " + found + "; make it specific");
        }
        return found.get(0);
      }

      @Override
      public String describe() {
        return "JVM matching '" + regex + "'";
      }
    };
  }

  private static long alive(long pid, String what) {
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return pid;
    throw new HostException("no live process for " + what);
  }
}
