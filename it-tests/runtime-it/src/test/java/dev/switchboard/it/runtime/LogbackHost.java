package dev.switchboard.it.runtime;

import java.lang.reflect.Method;

/**
 * A host JVM that logs through SLF4J + Logback (on its class path from {@code target/logback-host}, not on
 * the test's): logs {@code READY} through its logger, then idles until killed. Written against SLF4J by
 * reflection so this module needs no SLF4J to compile it.
 */
public final class LogbackHost {
  private LogbackHost() {}

  public static void main(String[] args) throws Exception {
    Class<?> factory = Class.forName("org.slf4j.LoggerFactory");
    Object log = factory.getMethod("getLogger", String.class).invoke(null, "host.main");
    Method info = log.getClass().getMethod("info", String.class);
    info.invoke(log, "READY pid " + ProcessHandle.current().pid());
    Thread.sleep(Long.MAX_VALUE);
  }
}
