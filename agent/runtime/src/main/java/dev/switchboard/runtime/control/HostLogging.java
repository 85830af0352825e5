package dev.switchboard.runtime.control;

import dev.switchboard.control.server.Logs;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Function;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * Sends the runtime's and the plugins' log records through the host's own logging framework. A host with SLF4J
 * bound to a real backend (Logback, Log4j2, ...) gets them through its {@code org.slf4j.LoggerFactory}, found
 * in whichever loader defines it and called reflectively: the runtime brings no SLF4J of its own and shows none
 * to the host. Otherwise they go to {@code java.util.logging}; when the host left JUL at its defaults (one console
 * handler, no format of its own) the runtime's loggers ({@code dev.switchboard}, {@code switchboard}) get a
 * console handler writing one line per record instead of the default two.
 */
final class HostLogging {
  private static final String[] OWN_JUL_LOGGERS = {"dev.switchboard", "switchboard"};

  private final String description;
  private final List<java.util.logging.Logger> julLoggers = new ArrayList<>(); // strong refs keep their config
  private final List<Handler> julHandlers = new ArrayList<>();

  private HostLogging(String description) {
    this.description = description;
  }

  String description() {
    return description;
  }

  /** Finds the host's framework and installs the matching factory into {@link Logs}. */
  static HostLogging install(Instrumentation inst) {
    Class<?> factory = slf4jFactory(inst);
    if (factory != null) {
      try {
        Method getLogger = factory.getMethod("getLogger", String.class);
        Object backend = factory.getMethod("getILoggerFactory").invoke(null);
        String backendName = backend == null ? "none" : backend.getClass().getName();
        if (backend != null && !backendName.contains("NOP") && !backendName.contains("Substitute")) {
          Class<?> loggerType = getLogger.getReturnType();
          Logs.install(name -> Slf4j.of(name, getLogger, loggerType));
          return new HostLogging("the host's SLF4J (" + backendName + ")");
        }
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        System.err.println("[switchboard] cannot log through the host's SLF4J (" + e + "); using java.util.logging");
      }
    }
    HostLogging h = new HostLogging("java.util.logging");
    if (julAtDefaults()) h.oneLinePerRecord();
    Logs.install(System::getLogger);
    return h;
  }

  /** Back to the defaults: nothing of the runtime stays referenced from the host's logging. */
  void uninstall() {
    Logs.reset();
    for (int i = 0; i < julLoggers.size(); i++) {
      julLoggers.get(i).removeHandler(julHandlers.get(i));
      julLoggers.get(i).setUseParentHandlers(true);
    }
    julLoggers.clear();
    julHandlers.clear();
  }

  private static Class<?> slf4jFactory(Instrumentation inst) {
    try {
      return Class.forName("org.slf4j.LoggerFactory", false, ClassLoader.getSystemClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      // not on the system class path: maybe in an application loader (a fat jar's, a webapp's)
    }
    if (inst == null) return null;
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (c.getName().equals("org.slf4j.LoggerFactory")) return c;
    }
    return null;
  }

  private static boolean julAtDefaults() {
    if (System.getProperty("java.util.logging.config.file") != null || System.getProperty("java.util.logging.config.class") != null
        || System.getProperty("java.util.logging.SimpleFormatter.format") != null) {
      return false;
    }
    Handler[] root = LogManager.getLogManager().getLogger("").getHandlers();
    return root.length == 1 && root[0].getClass() == ConsoleHandler.class;
  }

  private void oneLinePerRecord() {
    for (String name : OWN_JUL_LOGGERS) {
      java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
      ConsoleHandler h = new ConsoleHandler();
      h.setFormatter(new OneLine());
      l.addHandler(h);
      l.setUseParentHandlers(false);
      julLoggers.add(l);
      julHandlers.add(h);
    }
  }

  /** {@code <instant> <LEVEL> <logger>: <message>[ | <exception>]}, one line. */
  static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord r) {
      String msg = formatMessage(r).replace('\n', ' ').replace('\r', ' ');
      String thrown = r.getThrown() == null ? "" : " | " + r.getThrown().toString().replace('\n', ' ');
      return Instant.ofEpochMilli(r.getMillis()) + " " + r.getLevel().getName() + " " + r.getLoggerName() + ": " + msg + thrown
          + System.lineSeparator();
    }
  }

  /** A System.Logger over one of the host's {@code org.slf4j.Logger}s, by reflection. */
  private static final class Slf4j implements System.Logger {
    private final String name;
    private final Object logger;
    private final Method[] enabled = new Method[5];
    private final Method[] log = new Method[5];
    private final Method[] logThrown = new Method[5];

    private Slf4j(String name, Object logger, Class<?> type) throws NoSuchMethodException {
      this.name = name;
      this.logger = logger;
      String[] levels = {"trace", "debug", "info", "warn", "error"};
      for (int i = 0; i < levels.length; i++) {
        String cap = Character.toUpperCase(levels[i].charAt(0)) + levels[i].substring(1);
        enabled[i] = type.getMethod("is" + cap + "Enabled");
        log[i] = type.getMethod(levels[i], String.class);
        logThrown[i] = type.getMethod(levels[i], String.class, Throwable.class);
      }
    }

    static System.Logger of(String name, Method getLogger, Class<?> type) {
      try {
        return new Slf4j(name, getLogger.invoke(null, name), type);
      } catch (ReflectiveOperationException | RuntimeException e) {
        System.err.println("[switchboard] the host's SLF4J has no logger " + name + " (" + e + "); using java.util.logging");
        return System.getLogger(name);
      }
    }

    private static int index(Level level) {
      switch (level) {
        case ALL:
        case TRACE:
          return 0;
        case DEBUG:
          return 1;
        case INFO:
          return 2;
        case WARNING:
          return 3;
        default:
          return 4;
      }
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      if (level == Level.OFF) return false;
      try {
        return (Boolean) enabled[index(level)].invoke(logger);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return true;
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      if (!isLoggable(level)) return;
      int i = index(level);
      try {
        if (thrown == null) log[i].invoke(logger, msg);
        else logThrown[i].invoke(logger, msg, thrown);
      } catch (ReflectiveOperationException | RuntimeException e) {
        System.err.println("[switchboard] " + level + " " + name + ": " + msg + " (the host's logger failed: " + e + ")");
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      if (!isLoggable(level)) return;
      log(level, bundle, params == null || params.length == 0 ? format : MessageFormat.format(format, params), (Throwable) null);
    }
  }
}
