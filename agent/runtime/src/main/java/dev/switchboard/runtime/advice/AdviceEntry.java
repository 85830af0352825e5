package dev.switchboard.runtime.advice;

import dev.switchboard.api.MethodAdvice;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@link MethodAdvice} of one plugin instance, with its handler failures. Ordered by plugin id, then by the
 * order the plugin declared its advice ({@link #ORDER}).
 */
final class AdviceEntry {
  static final java.util.Comparator<AdviceEntry> ORDER =
      java.util.Comparator.comparing((AdviceEntry e) -> e.owner.pluginId).thenComparingLong(e -> e.seq);

  final PluginAdvice owner;
  final MethodAdvice advice;
  final long seq;
  /** The target type's internal name ({@code org/example/Outer$Inner}). */
  final String internalName;
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean off;
  private volatile String lastFailure;

  AdviceEntry(PluginAdvice owner, MethodAdvice advice, long seq) {
    this.owner = owner;
    this.advice = advice;
    this.seq = seq;
    this.internalName = advice.typeName().replace('.', '/');
  }

  /** Whether this advice applies to {@code site} (type by name or supertype, method name, descriptor). */
  boolean matches(SiteInfo site) {
    return matchesType(site.className(), site.supertypes()) && matchesMethod(site.methodName(), site.descriptor());
  }

  boolean matchesType(String className, java.util.Set<String> supertypes) {
    return advice.match() == MethodAdvice.Match.EXACT ? advice.typeName().equals(className)
        : advice.typeName().equals(className) || supertypes.contains(advice.typeName());
  }

  boolean matchesMethod(String name, String descriptor) {
    return advice.methodName().equals(name) && (advice.descriptor() == null || advice.descriptor().equals(descriptor));
  }

  boolean off() {
    return off;
  }

  long failures() {
    return failures.get();
  }

  String lastFailure() {
    return lastFailure;
  }

  /** Counts a handler failure; true when this one switched the advice off ({@code max} reached). */
  boolean failed(String what, long max) {
    lastFailure = what;
    long n = failures.incrementAndGet();
    if (n >= max && !off) {
      off = true;
      return true;
    }
    return false;
  }

  @Override
  public String toString() {
    return owner.label + " " + advice.target();
  }
}
