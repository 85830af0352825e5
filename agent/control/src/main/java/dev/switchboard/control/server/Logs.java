package dev.switchboard.control.server;

import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Where the control channel's and the runtime's log records go. By default {@link System#getLogger} (the
 * sidecar and the CLI); inside a host the runtime {@linkplain #install installs} a factory writing through
 * the host's own logging framework. Loggers returned by {@link #get} follow later installs.
 */
public final class Logs {
  private static volatile Function<String, System.Logger> factory = System::getLogger;
  private static final Map<String, System.Logger> RESOLVED = new ConcurrentHashMap<>();

  private Logs() {}

  /** A logger named {@code name} that writes wherever the installed factory says, now and later. */
  public static System.Logger get(String name) {
    return new Deferred(name);
  }

  /** Sends every record of {@link #get} loggers through {@code f} from now on. */
  public static void install(Function<String, System.Logger> f) {
    factory = java.util.Objects.requireNonNull(f, "f == null");
    RESOLVED.clear();
  }

  /** Back to {@link System#getLogger} (the runtime is detaching: nothing may keep the host's loggers). */
  public static void reset() {
    install(System::getLogger);
  }

  static System.Logger resolve(String name) {
    return RESOLVED.computeIfAbsent(name, n -> factory.apply(n));
  }

  private record Deferred(String name) implements System.Logger {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return resolve(name).isLoggable(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      resolve(name).log(level, bundle, msg, thrown);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      resolve(name).log(level, bundle, format, params);
    }
  }
}
