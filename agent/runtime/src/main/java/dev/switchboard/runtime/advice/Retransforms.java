package dev.switchboard.runtime.advice;

import dev.switchboard.api.MethodAdvice;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Retransformations of loaded classes: to weave a new advice's targets, and to restore classes no advice needs
 * any more (the JVM re-runs the transformers over the original bytes; ours leaves them alone). All classes of one
 * step go in one call (one safepoint pause); when the JVM refuses the batch, each class is tried alone and the
 * ones it refuses are reported by name to the plugins whose advice they were for.
 */
final class Retransforms {
  private static final System.Logger LOG = dev.switchboard.control.server.Logs.get("switchboard.runtime.advice");

  private final Instrumentation inst;
  private final AdviceEngine engine;
  private final AtomicLong classes = new AtomicLong();
  private final AtomicLong nanos = new AtomicLong();

  Retransforms(Instrumentation inst, AdviceEngine engine) {
    this.inst = inst;
    this.engine = engine;
  }

  /** Retransforms the loaded classes {@code add} targets. */
  void weave(List<AdviceEntry> add) {
    List<Class<?>> todo = new ArrayList<>();
    boolean subtypes = false;
    for (AdviceEntry e : add) subtypes |= e.advice.match() == MethodAdvice.Match.SUBTYPES;
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (c.isArray() || c.isPrimitive() || c.isHidden() || !engine.mayWeave(c.getName(), c.getClassLoader())) continue;
      Set<String> supers = subtypes ? Weaver.supertypes(c) : Set.of();
      for (AdviceEntry e : add) {
        if (e.matchesType(c.getName(), supers)) {
          if (inst.isModifiableClass(c)) {
            todo.add(c);
          } else {
            e.owner.notWoven(c.getName(), "the JVM cannot retransform it");
          }
          break;
        }
      }
    }
    run(todo, add);
  }

  /** Retransforms the classes whose sites no advice needs any more, back to their original bytecode. */
  void restoreUnneeded() {
    Set<String> keys = engine.dropUnneeded();
    if (keys.isEmpty()) return;
    List<Class<?>> todo = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      ClassLoader l = c.getClassLoader();
      if (keys.contains((l == null ? 0 : System.identityHashCode(l)) + "/" + c.getName())) todo.add(c);
    }
    run(todo, List.of());
  }

  private void run(List<Class<?>> todo, List<AdviceEntry> forReport) {
    if (todo.isEmpty()) return;
    long t0 = System.nanoTime();
    try {
      inst.retransformClasses(todo.toArray(new Class<?>[0]));
    } catch (Exception | LinkageError batch) {
      for (Class<?> c : todo) {
        try {
          inst.retransformClasses(c);
        } catch (Exception | LinkageError one) {
          refused(c, one, forReport);
        }
      }
    }
    long took = System.nanoTime() - t0;
    classes.addAndGet(todo.size());
    nanos.addAndGet(took);
    LOG.log(System.Logger.Level.INFO, "method advice: retransformed " + todo.size() + " class" + (todo.size() == 1 ? "" : "es")
        + " in " + took / 1_000_000 + " ms");
  }

  private void refused(Class<?> c, Throwable why, List<AdviceEntry> forReport) {
    String reason = "the JVM refused to retransform it: " + why;
    boolean told = false;
    for (AdviceEntry e : forReport) {
      if (e.matchesType(c.getName(), Weaver.supertypes(c))) {
        e.owner.notWoven(c.getName(), reason);
        told = true;
      }
    }
    LOG.log(System.Logger.Level.WARNING, "method advice: " + c.getName() + ": " + reason + (told ? "" : " (while restoring it)"));
  }

  long count() {
    return classes.get();
  }

  long millis() {
    return nanos.get() / 1_000_000;
  }
}
