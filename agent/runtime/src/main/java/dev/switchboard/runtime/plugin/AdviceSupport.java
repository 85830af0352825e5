package dev.switchboard.runtime.plugin;

import dev.switchboard.runtime.advice.AdviceEngine;
import dev.switchboard.runtime.advice.AdviceRules;
import dev.switchboard.api.ApiVersion;
import dev.switchboard.api.PluginException;
import java.lang.instrument.Instrumentation;
import java.util.function.Consumer;

/**
 * The plugin manager's link to method advice: the {@link AdviceEngine}, installed when a plugin first declares
 * advice (its first {@code context.advise}), just before that advice is validated and woven, or nothing when the
 * runtime has no instrumentation that can retransform classes (advice is then refused with the reason). Installing
 * appends the dispatcher to the bootstrap class path, which makes the JVM print a class-sharing warning into the
 * host's output; a host whose plugins never declare advice never gets it. Also merges an advice summary into a
 * status's {@code error} text.
 */
final class AdviceSupport implements AutoCloseable {
  private static final System.Logger LOG = dev.switchboard.control.server.Logs.get("switchboard.runtime.advice");
  static final String PREFIX = "advice: ";

  /** The plugin API version that brought method advice; a host's older copy of the API has none of its types. */
  static final ApiVersion ADVICE_API = ApiVersion.of(1, 1);

  private final Instrumentation inst; // null: advice unavailable
  private final AdviceRules rules;
  private final Consumer<String> changed;
  private volatile AdviceEngine engine; // installed on first need
  private String failure; // guarded by this: why advice is unavailable (no instrumentation, old API, failed install)

  private AdviceSupport(Instrumentation inst, AdviceRules rules, Consumer<String> changed, String failure) {
    this.inst = inst;
    this.rules = rules;
    this.changed = changed;
    this.failure = failure;
  }

  static AdviceSupport none() {
    return new AdviceSupport(null, null, null, "the runtime has no instrumentation");
  }

  /**
   * Advice on {@code inst}, installed when a plugin first needs it; unavailable (with the reason logged once and in
   * {@link #unavailable()}) when {@code inst} is null or the plugin API in use ({@code api}, the host's own copy
   * when it has one) predates method advice: the runtime then never touches the advice types, which that API lacks.
   */
  static AdviceSupport on(Instrumentation inst, ApiVersion api, AdviceRules rules, Consumer<String> changed) {
    if (inst == null) return none();
    if (api.compareTo(ADVICE_API) < 0) {
      String why = "the plugin API in use is " + api + " (the host's copy), method advice needs " + ADVICE_API;
      LOG.log(System.Logger.Level.WARNING, "method advice is unavailable: " + why + "; plugins run without it");
      return new AdviceSupport(null, rules, changed, why);
    }
    return new AdviceSupport(inst, rules, changed, null);
  }

  /** Whether plugins may declare advice here (installing can still fail, see {@link #require}). */
  boolean offered() {
    return inst != null;
  }

  /** Why advice is unavailable, or null. */
  synchronized String unavailable() {
    return failure;
  }

  /** Whether advice can be woven here (instrumentation that retransforms, and no failed installation). */
  synchronized boolean available() {
    return inst != null && inst.isRetransformClassesSupported() && failure == null;
  }

  /** Why advice on the class named {@code typeName} is refused by the host's rules, or null. */
  String refusal(String typeName) {
    return rules == null ? null : rules.refusal(typeName);
  }

  /** Null while no plugin declared advice yet, or when advice is unavailable. */
  AdviceEngine engine() {
    return engine;
  }

  /**
   * The engine, installed now if no plugin declared advice before.
   *
   * @throws PluginException {@code ADVICE_REFUSED} naming why method advice is unavailable in this JVM
   */
  AdviceEngine require(String what) {
    AdviceEngine e = engine;
    if (e != null) return e;
    synchronized (this) {
      if (engine != null) return engine;
      if (failure == null) {
        try {
          dev.switchboard.runtime.advice.DispatchJar.ensure(inst); // before any class that names the dispatcher loads
          engine = AdviceEngine.install(inst, rules, changed);
          LOG.log(System.Logger.Level.INFO, "method advice installed (first advice: " + what + ")");
          return engine;
        } catch (RuntimeException | LinkageError ex) {
          failure = String.valueOf(ex);
          LOG.log(System.Logger.Level.WARNING, "method advice is unavailable in this JVM: " + ex);
        }
      }
      throw new PluginException(PluginException.Code.ADVICE_REFUSED, "method advice is unavailable in this JVM (" + failure
          + "): " + what);
    }
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
