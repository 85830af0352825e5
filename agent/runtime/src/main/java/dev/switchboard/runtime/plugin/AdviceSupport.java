package dev.switchboard.runtime.plugin;

import dev.switchboard.runtime.advice.AdviceEngine;
import dev.switchboard.runtime.advice.AdviceRules;
import dev.switchboard.runtime.advice.DispatchJar;
import java.lang.instrument.Instrumentation;
import java.util.function.Consumer;

/**
 * The plugin manager's link to method advice: the {@link AdviceEngine} when the runtime has instrumentation that
 * can retransform classes, else nothing (plugins that declare advice are then refused with the reason). Also
 * merges an advice summary into a status's {@code error} text.
 */
final class AdviceSupport implements AutoCloseable {
  private static final System.Logger LOG = dev.switchboard.control.server.Logs.get("switchboard.runtime.advice");
  static final String PREFIX = "advice: ";

  private final AdviceEngine engine;

  private AdviceSupport(AdviceEngine engine) {
    this.engine = engine;
  }

  static AdviceSupport none() {
    return new AdviceSupport(null);
  }

  /** The engine on {@code inst}; without one (no retransformation, no dispatcher) advice is refused and why is logged. */
  static AdviceSupport on(Instrumentation inst, AdviceRules rules, Consumer<String> changed) {
    if (inst == null) return none();
    try {
      DispatchJar.ensure(inst); // before any class that names the dispatcher loads
      return new AdviceSupport(AdviceEngine.install(inst, rules, changed));
    } catch (RuntimeException | LinkageError e) {
      LOG.log(System.Logger.Level.WARNING, "method advice is unavailable in this JVM: " + e);
      return none();
    }
  }

  /** Null when advice is unavailable. */
  AdviceEngine engine() {
    return engine;
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
    if (engine != null) engine.close();
  }
}
