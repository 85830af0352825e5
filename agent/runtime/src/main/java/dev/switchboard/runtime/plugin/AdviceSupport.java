package dev.switchboard.runtime.plugin;

import dev.switchboard.runtime.advice.AdviceEngine;
import dev.switchboard.runtime.advice.AdviceRules;
import dev.switchboard.runtime.advice.DispatchJar;
import java.lang.instrument.Instrumentation;
import java.util.function.Consumer;

/**
 * The plugin manager's link to method advice: the {@link AdviceEngine}, installed the first time a plugin jar
 * that names {@code MethodAdvice} is loaded (appending the dispatcher to the bootstrap class path makes the JVM
 * print a class-sharing warning into the host's output, so a host whose plugins declare no advice never gets
 * it), or nothing when the runtime has no instrumentation that can retransform classes (plugins that declare
 * advice are then refused with the reason). Also merges an advice summary into a status's {@code error} text.
 */
final class AdviceSupport implements AutoCloseable {
  private static final System.Logger LOG = dev.switchboard.control.server.Logs.get("switchboard.runtime.advice");
  static final String PREFIX = "advice: ";
  private static final byte[] MARK = "dev/switchboard/api/MethodAdvice".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final Instrumentation inst; // null: advice unavailable
  private final AdviceRules rules;
  private final Consumer<String> changed;
  private volatile AdviceEngine engine; // installed on first need
  private boolean failed; // guarded by this: installing failed once (logged); not tried again

  private AdviceSupport(Instrumentation inst, AdviceRules rules, Consumer<String> changed) {
    this.inst = inst;
    this.rules = rules;
    this.changed = changed;
  }

  static AdviceSupport none() {
    return new AdviceSupport(null, null, null);
  }

  /** Advice on {@code inst}, installed when a plugin first needs it. */
  static AdviceSupport on(Instrumentation inst, AdviceRules rules, Consumer<String> changed) {
    return new AdviceSupport(inst, rules, changed);
  }

  /** Whether advice can be woven here (instrumentation that retransforms, and no failed installation). */
  synchronized boolean available() {
    return inst != null && inst.isRetransformClassesSupported() && !failed;
  }

  /** Null while no plugin needed advice yet, or when advice is unavailable. */
  AdviceEngine engine() {
    return engine;
  }

  /**
   * The engine for a plugin jar: installed now if the jar's classes name {@code MethodAdvice} (a plugin can
   * declare advice only through it) and it is not installed yet; null when advice is unavailable, or when
   * the jar declares none and no plugin needed it so far.
   */
  AdviceEngine engineFor(JarImage jar) {
    AdviceEngine e = engine;
    if (e != null || inst == null || !names(jar)) return e;
    synchronized (this) {
      if (engine != null || failed) return engine;
      try {
        DispatchJar.ensure(inst); // before any class that names the dispatcher loads
        engine = AdviceEngine.install(inst, rules, changed);
      } catch (RuntimeException | LinkageError ex) {
        failed = true;
        LOG.log(System.Logger.Level.WARNING, "method advice is unavailable in this JVM: " + ex);
      }
      return engine;
    }
  }

  static boolean names(JarImage jar) {
    for (java.util.Map.Entry<String, byte[]> en : jar.entries().entrySet()) {
      if (en.getKey().endsWith(".class") && contains(en.getValue(), MARK)) return true;
    }
    return false;
  }

  private static boolean contains(byte[] data, byte[] mark) {
    outer:
    for (int i = 0; i + mark.length <= data.length; i++) {
      for (int j = 0; j < mark.length; j++) {
        if (data[i + j] != mark[j]) continue outer;
      }
      return true;
    }
    return false;
  }
  /** {@code error} without a previous advice summary, then {@code summary} (either may be null). */
  static String merge(String error, String summary) {
    String base = error;
    if (base != null) {
      int i = base.startsWith(PREFIX) ? 0 : base.indexOf("; " + PREFIX);
      if (i >= 0) base = i == 0 ? null : base.substring(0, i);
    }
    if (summary == null) return base;
    return base == null ? summary : base + "; " + summary;
  }

  @Override
  public void close() {
    AdviceEngine e = engine;
    if (e != null) e.close();
  }
}
