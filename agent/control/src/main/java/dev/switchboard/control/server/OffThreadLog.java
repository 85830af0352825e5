package dev.switchboard.control.server;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Log records the runtime writes while it starts, written by one short-lived daemon thread instead
 * of the caller. The first record a host JVM sends through {@code java.util.logging} costs 50–70 ms
 * (formatter, locale and time-zone data are loaded then); written inline it delayed the control
 * channel of a freshly attached runtime by that much. Records keep their order; the thread ends one
 * second after the last record (a daemon: records still queued when the host exits are lost, and
 * their order against records logged inline is not kept). A record the logger throws on goes to
 * {@code System.err}.
 */
public final class OffThreadLog {
  private static final ThreadPoolExecutor WRITER = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
      r -> {
        Thread t = new Thread(r, "switchboard-log");
        t.setDaemon(true);
        return t;
      });

  private OffThreadLog() {}

  public static void log(System.Logger logger, System.Logger.Level level, String message) {
    WRITER.execute(() -> {
      try {
        logger.log(level, message);
      } catch (RuntimeException e) {
        System.err.println("[switchboard] " + level + " " + message + " (logger failed: " + e + ")");
      }
    });
  }
}
