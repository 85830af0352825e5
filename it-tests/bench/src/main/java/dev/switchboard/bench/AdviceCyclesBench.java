package dev.switchboard.bench;

import dev.switchboard.api.AdviceHandler;
import dev.switchboard.api.MethodAdvice;
import dev.switchboard.runtime.advice.AdviceEngine;
import dev.switchboard.runtime.advice.AdviceRules;
import dev.switchboard.runtime.advice.PluginAdvice;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Method advice activation and deactivation through the runtime's advice engine on this JVM's real {@code
 * Instrumentation} (self-attached; the dispatcher on the bootstrap class path as in a host):
 *
 * <ol>
 *   <li>with N woven classes: N generated host classes implementing {@code benchhost.Marked}, one subtype advice on
 *       it; publishing it retransforms the N classes (weave), removing it retransforms them back (restore);
 *       median and max of {@code ROUNDS} rounds per N;
 *   <li>{@code CYCLES} advise/unadvise cycles on one host method, each with its handler class defined in a fresh
 *       loader (a plugin's): metaspace used after a full GC before and after, and how many of those loaders were
 *       collected.
 * </ol>
 *
 * Usage: {@code AdviceCyclesBench [N,N,...] [rounds] [cycles]} (defaults {@code 10,100,1000 5 1000}); needs
 * {@code -Djdk.attach.allowAttachSelf=true}. Prints one {@code RESULT} line per figure.
 */
public final class AdviceCyclesBench {
  private AdviceCyclesBench() {}

  public static void main(String[] args) throws Exception {
    String[] sizes = (args.length > 0 ? args[0] : "10,100,1000").split(",");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int cycles = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    Instrumentation inst = SelfAgent.instrumentation();
    AdviceBench.bootDispatcher(inst);
    AdviceEngine engine = AdviceEngine.install(inst, new AdviceRules(List.of(), 20), id -> { });
    for (String s : sizes) wovenClasses(engine, Integer.parseInt(s.trim()), rounds);
    cycles(engine, cycles);
    engine.close();
  }

  private static void wovenClasses(AdviceEngine engine, int n, int rounds) throws Exception {
    ClassLoader host = hostLoader("bench-host-" + n);
    List<benchhost.Marked> targets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Class<?> c = new ByteBuddy().subclass(Object.class).implement(benchhost.Marked.class).name("benchhost.gen.Target" + n + "_" + i)
          .method(ElementMatchers.named("mark")).intercept(FixedValue.value(i)).make()
          .load(host, ClassLoadingStrategy.Default.INJECTION).getLoaded();
      targets.add((benchhost.Marked) c.getConstructor().newInstance());
    }
    long[] weave = new long[rounds];
    long[] restore = new long[rounds];
    long[] handled = new long[1];
    for (int r = 0; r < rounds; r++) {
      PluginAdvice pa = engine.create("bench-classes", "bench-classes@" + r);
      pa.advise(MethodAdvice.onSubtypesOf("benchhost.Marked").method("mark").before(call -> handled[0]++).build());
      long t0 = System.nanoTime();
      engine.publish(pa, null);
      weave[r] = System.nanoTime() - t0;
      long before = handled[0];
      for (benchhost.Marked t : targets) t.mark(1);
      if (handled[0] - before != n) throw new IllegalStateException("advice ran " + (handled[0] - before) + " times on " + n + " classes");
      t0 = System.nanoTime();
      String drain = engine.remove(pa, Duration.ofSeconds(10));
      restore[r] = System.nanoTime() - t0;
      if (drain != null) throw new IllegalStateException(drain);
      before = handled[0];
      for (benchhost.Marked t : targets) t.mark(1);
      if (handled[0] != before) throw new IllegalStateException("advice still runs after removal");
    }
    java.util.Arrays.sort(weave);
    java.util.Arrays.sort(restore);
    System.out.printf(Locale.ROOT, "RESULT advice-activation classes=%d weave_median_ms=%.1f weave_max_ms=%.1f restore_median_ms=%.1f"
        + " restore_max_ms=%.1f rounds=%d%n", n, weave[rounds / 2] / 1e6, weave[rounds - 1] / 1e6, restore[rounds / 2] / 1e6,
        restore[rounds - 1] / 1e6, rounds);
  }

  private static void cycles(AdviceEngine engine, int cycles) throws Exception {
    ClassLoader host = hostLoader("bench-host-cycles");
    benchhost.Marked target = (benchhost.Marked) new ByteBuddy().subclass(Object.class).implement(benchhost.Marked.class)
        .name("benchhost.gen.CycleTarget").method(ElementMatchers.named("mark")).intercept(FixedValue.value(7)).make()
        .load(host, ClassLoadingStrategy.Default.INJECTION).getLoaded().getConstructor().newInstance();
    byte[] handlerBytes = bytes("benchhost/CountingHandler.class");
    List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
    // warm-up: the first cycles load the engine's and the dispatcher's classes, which stay
    for (int i = 0; i < 20; i++) cycle(engine, target, handlerBytes, null);
    long before = metaspaceAfterGc();
    long t0 = System.nanoTime();
    for (int i = 0; i < cycles; i++) cycle(engine, target, handlerBytes, loaders);
    long took = System.nanoTime() - t0;
    long after = metaspaceAfterGc();
    long collected = loaders.stream().filter(w -> w.get() == null).count();
    System.out.printf(Locale.ROOT, "RESULT advice-cycles cycles=%d metaspace_growth_mb=%.2f loaders_collected=%d/%d (%.1f %%) per_cycle_ms=%.2f"
        + " sites=%s%n", cycles, (after - before) / 1048576.0, collected, loaders.size(), 100.0 * collected / loaders.size(),
        took / 1e6 / cycles, engine.stats().get("sites"));
  }

  private static void cycle(AdviceEngine engine, benchhost.Marked target, byte[] handlerBytes, List<WeakReference<ClassLoader>> loaders)
      throws Exception {
    PluginLoader plugin = new PluginLoader(handlerBytes);
    AdviceHandler h = (AdviceHandler) plugin.loadClass("benchhost.CountingHandler").getConstructor().newInstance();
    PluginAdvice pa = engine.create("bench-cycles", "bench-cycles");
    pa.advise(MethodAdvice.on("benchhost.gen.CycleTarget").method("mark").before(h).build());
    engine.publish(pa, null);
    target.mark(1);
    if (plugin.calls() != 1) throw new IllegalStateException("the advice did not run once: " + plugin.calls());
    String drain = engine.remove(pa, Duration.ofSeconds(10));
    if (drain != null) throw new IllegalStateException(drain);
    if (loaders != null) loaders.add(new WeakReference<>(plugin));
  }

  /** A host's loader: a JDK class (the runtime never weaves classes of loaders its own loader defined). */
  private static ClassLoader hostLoader(String name) {
    return new java.net.URLClassLoader(name, new java.net.URL[0], AdviceCyclesBench.class.getClassLoader());
  }

  private static long metaspaceAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getName().equals("Metaspace")) return p.getUsage().getUsed();
    }
    throw new IllegalStateException("no Metaspace memory pool");
  }

  private static byte[] bytes(String resource) throws IOException {
    try (InputStream in = AdviceCyclesBench.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("no " + resource + " on the class path");
      return in.readAllBytes();
    }
  }

  /** A plugin's loader: defines the handler class itself, everything else (the plugin API) from the parent. */
  private static final class PluginLoader extends ClassLoader {
    private final byte[] handler;

    PluginLoader(byte[] handler) {
      super("bench-plugin", AdviceCyclesBench.class.getClassLoader());
      this.handler = handler;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.equals("benchhost.CountingHandler")) return super.loadClass(name, resolve);
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        return c != null ? c : defineClass(name, handler, 0, handler.length);
      }
    }

    long calls() throws ReflectiveOperationException {
      return ((java.util.concurrent.atomic.AtomicLong) loadClass("benchhost.CountingHandler").getField("CALLS").get(null)).get();
    }
  }
}
