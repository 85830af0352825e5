package dev.switchboard.runtime.advice;

import dev.switchboard.api.MethodAdvice;
import dev.switchboard.api.PluginException;
import dev.switchboard.dispatch.Dispatch;
import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Method advice for the whole runtime: one retransformation-capable transformer ({@link Weaver}), the table of
 * advised sites behind the boot-path {@link Dispatch}, and the advice that is live.
 *
 * <p>Publishing a plugin's advice (its {@code start} returned): its targets are added to what the transformer
 * weaves and the loaded classes they match are retransformed (classes that load later are woven when they load);
 * then every site's chain is replaced in one write per site, the previous instance's advice (an upgrade) out and
 * the new one in; then classes no advice needs any more are retransformed back to their original bytecode.
 * Removing (stop) takes the advice out of the chains, restores the classes and waits for the calls that entered
 * with it to leave. Order on a method: by plugin id, then by declaration order; before handlers run in that
 * order, after-return and on-throw handlers in reverse (the first advice is the outermost).
 */
public final class AdviceEngine implements AutoCloseable {
  private static final System.Logger LOG = dev.switchboard.control.server.Logs.get("switchboard.runtime.advice");

  /** The live advice and its generation, read together. */
  private record Live(List<AdviceEntry> entries, long generation) {}

  private final Instrumentation inst;
  private final AdviceRules rules;
  private final Retransforms retransforms;
  private final Notifier notifier;
  private final java.lang.instrument.ClassFileTransformer transformer;
  private final WovenClasses woven = new WovenClasses();
  private final Map<String, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Integer, AdvisedSite> sites = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger();
  private final Object ops = new Object(); // one publish/remove at a time
  private volatile List<AdviceEntry> weaving = List.of();
  private volatile Live live = new Live(List.of(), 0);

  private AdviceEngine(Instrumentation inst, AdviceRules rules, Consumer<String> changed) {
    this.inst = inst;
    this.rules = rules;
    this.notifier = new Notifier(changed);
    this.retransforms = new Retransforms(inst, this);
    this.transformer = new GatedTransformer(this::weaving, new Weaver(this).transformer(), woven);
  }

  /**
   * Puts the dispatcher on the bootstrap class path (once per JVM) and installs the transformer.
   *
   * @param changed told (on a runtime thread) the id of a plugin whose advice summary changed
   * @throws IllegalStateException when the JVM cannot retransform classes
   */
  public static AdviceEngine install(Instrumentation inst, AdviceRules rules, Consumer<String> changed) {
    if (!inst.isRetransformClassesSupported()) {
      throw new IllegalStateException("this JVM does not support class retransformation: method advice is unavailable");
    }
    DispatchJar.ensure(inst);
    AdviceEngine e = new AdviceEngine(inst, rules, changed);
    inst.addTransformer(e.transformer, true);
    return e;
  }

  /** A plugin instance's advice (its context's {@code AdviceSink}). */
  public PluginAdvice create(String pluginId, String label) {
    return new PluginAdvice(this, pluginId, label);
  }

  public AdviceRules rules() {
    return rules;
  }

  // ---- validation ----

  void validate(MethodAdvice a) {
    if (a.match() == MethodAdvice.Match.SUBTYPES && a.typeName().equals("java.lang.Object")) {
      throw new PluginException(PluginException.Code.ADVICE_REFUSED, "advice on every subtype of java.lang.Object is refused (it "
          + "would weave every class); name a narrower type: " + a.target());
    }
    if (a.match() == MethodAdvice.Match.EXACT) {
      String refusal = rules.refusal(a.typeName());
      if (refusal != null) throw new PluginException(PluginException.Code.ADVICE_REFUSED, refusal);
      for (Class<?> c : inst.getAllLoadedClasses()) {
        if (c.getName().equals(a.typeName()) && mayWeave(c.getName(), c.getClassLoader())) checkLoaded(a, c);
      }
    }
  }

  private void checkLoaded(MethodAdvice a, Class<?> c) {
    if (!inst.isModifiableClass(c)) {
      throw new PluginException(PluginException.Code.ADVICE_REFUSED, "the JVM cannot retransform " + c.getName() + ": " + a.target());
    }
    java.lang.reflect.Method[] methods;
    try {
      methods = c.getDeclaredMethods();
    } catch (LinkageError e) {
      return; // its signatures do not link here: decided when it is woven
    }
    List<String> named = new ArrayList<>();
    for (java.lang.reflect.Method m : methods) {
      if (!m.getName().equals(a.methodName())) continue;
      String d = MethodDescriptors.of(m);
      named.add(d + (java.lang.reflect.Modifier.isAbstract(m.getModifiers()) ? " abstract" : "")
          + (java.lang.reflect.Modifier.isNative(m.getModifiers()) ? " native" : ""));
      boolean body = !java.lang.reflect.Modifier.isAbstract(m.getModifiers()) && !java.lang.reflect.Modifier.isNative(m.getModifiers());
      if (body && !m.isBridge() && (a.descriptor() == null || a.descriptor().equals(d))) return;
    }
    throw new PluginException(PluginException.Code.BAD_ADVICE, "loaded class " + c.getName() + " has no method "
        + a.methodName() + (a.descriptor() == null ? "" : a.descriptor()) + " with a body to advise"
        + (named.isEmpty() ? "" : " (methods of that name: " + named + ")"));
  }

  /** Whether a class of this name and loader may be woven at all (refused packages, the runtime's own loaders). */
  boolean mayWeave(String className, ClassLoader loader) {
    if (loader != null && loader.getClass().getClassLoader() == AdviceEngine.class.getClassLoader()) return false;
    if (loader == AdviceEngine.class.getClassLoader()) return false;
    return rules.refusal(className) == null;
  }

  // ---- sites (called by the weaver, on whatever thread defines or retransforms a class) ----

  List<AdviceEntry> weaving() {
    return weaving;
  }

  AdvisedSite site(SiteInfo info) {
    int id = ids.computeIfAbsent(info.key(), k -> nextId.getAndIncrement());
    AdvisedSite site = sites.computeIfAbsent(id, i -> new AdvisedSite(i, info, this));
    Live l = live; // after the site is in the table: a concurrent swap either sees it or wrote l first
    site.update(matching(l.entries(), site.info), l.generation());
    Dispatch.set(id, site);
    return site;
  }

  private static List<AdviceEntry> matching(List<AdviceEntry> entries, SiteInfo info) {
    List<AdviceEntry> out = new ArrayList<>();
    for (AdviceEntry e : entries) {
      if (e.matches(info)) out.add(e);
    }
    out.sort(AdviceEntry.ORDER);
    return out;
  }

  void weaveFailed(String className, String reason) {
    for (AdviceEntry e : weaving) {
      if (e.advice.typeName().equals(className) || e.advice.match() == MethodAdvice.Match.SUBTYPES) {
        e.owner.notWoven(className, reason);
        notifier.changed(e.owner.pluginId);
      }
    }
    LOG.log(System.Logger.Level.WARNING, "method advice: " + className + " was not woven: " + reason);
  }

  // ---- publish / remove ----

  /** Makes {@code next}'s staged advice live, replacing {@code previous}'s (may be null) method by method. */
  public void publish(PluginAdvice next, PluginAdvice previous) {
    synchronized (ops) {
      List<AdviceEntry> add = next.entries();
      List<AdviceEntry> gone = previous == null ? List.of() : previous.remove();
      if (add.isEmpty() && gone.isEmpty()) {
        next.published();
        return;
      }
      weaving = union(weaving, add, List.of());
      retransforms.weave(add);
      swap(add, gone, previous);
      next.published();
      weaving = union(weaving, List.of(), gone);
      retransforms.restoreUnneeded();
    }
  }

  /**
   * Takes {@code pa}'s advice out (if an upgrade did not already), restores the classes, then waits up to {@code
   * drain} for calls that entered with it; returns a problem, or null.
   */
  public String remove(PluginAdvice pa, Duration drain) {
    synchronized (ops) {
      List<AdviceEntry> gone = pa.remove();
      if (!gone.isEmpty()) {
        swap(List.of(), gone, pa);
        weaving = union(weaving, List.of(), gone);
        retransforms.restoreUnneeded();
      }
    }
    return pa.awaitDrained(drain);
  }

  void addLive(AdviceEntry e) {
    synchronized (ops) {
      weaving = union(weaving, List.of(e), List.of());
      retransforms.weave(List.of(e));
      swap(List.of(e), List.of(), null);
    }
  }

  void removeLive(List<AdviceEntry> es) {
    synchronized (ops) {
      swap(List.of(), es, null);
      weaving = union(weaving, List.of(), es);
      retransforms.restoreUnneeded();
    }
  }

  /** One new live set; every site whose chain changes gets it in one write; replaced chains go to {@code drainer}. */
  private void swap(List<AdviceEntry> add, List<AdviceEntry> gone, PluginAdvice drainer) {
    Live l = live;
    Live next = new Live(union(l.entries(), add, gone), l.generation() + 1);
    live = next;
    for (AdvisedSite site : sites.values()) {
      AdvisedSite.Chain old = site.update(matching(next.entries(), site.info), next.generation());
      if (old != null && drainer != null && old.contains(drainer)) drainer.retired(old);
    }
  }

  private static List<AdviceEntry> union(List<AdviceEntry> base, List<AdviceEntry> add, List<AdviceEntry> gone) {
    Set<AdviceEntry> s = new LinkedHashSet<>(base);
    s.removeAll(gone);
    s.addAll(add);
    return List.copyOf(s);
  }

  /** Sites no advice in {@link #weaving} matches any more: cleared from the dispatcher and forgotten. */
  Set<String> dropUnneeded() {
    List<AdviceEntry> w = weaving;
    Set<String> classes = new LinkedHashSet<>();
    for (AdvisedSite site : new ArrayList<>(sites.values())) {
      boolean needed = false;
      for (AdviceEntry e : w) {
        if (e.matches(site.info)) {
          needed = true;
          break;
        }
      }
      if (!needed) {
        Dispatch.set(site.id, null);
        sites.remove(site.id);
        classes.add(site.info.loaderId() + "/" + site.info.className());
      }
    }
    return classes;
  }

  // ---- handler failures ----

  void handlerFailed(AdviceEntry e, String phase, SiteInfo site, Throwable failure) {
    String what = phase + " handler on " + site.className() + "#" + site.methodName() + " threw " + failure;
    boolean nowOff = e.failed(what, rules.maxFailures());
    if (nowOff) e.owner.switchedOff(e);
    if (e.failures() == 1 || nowOff) {
      notifier.log(System.Logger.Level.WARNING, "method advice of " + e.owner.label + " on " + e.advice.target() + ": " + what
          + (nowOff ? "; switched off after " + e.failures() + " failures" : " (further failures are counted in the status)"));
    }
    notifier.changed(e.owner.pluginId);
  }

  /** Figures for the runtime's stats. */
  public Map<String, Object> stats() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("sites", (long) sites.size());
    m.put("liveAdvice", (long) live.entries().size());
    m.put("retransformedClasses", retransforms.count());
    m.put("retransformMillis", retransforms.millis());
    m.put("wovenClasses", woven.wovenNow());
    m.put("classes", woven.report());
    return m;
  }

  /** Removes the transformer, clears the dispatcher and restores every woven class (the runtime detaches). */
  @Override
  public void close() {
    synchronized (ops) {
      live = new Live(List.of(), live.generation() + 1);
      weaving = List.of();
      inst.removeTransformer(transformer);
      retransforms.restoreUnneeded();
      Dispatch.clear();
      notifier.close();
    }
  }

  Instrumentation instrumentation() {
    return inst;
  }
}
