package dev.switchboard.bench;

import dev.switchboard.api.MethodAdvice;
import dev.switchboard.runtime.advice.AdviceEngine;
import dev.switchboard.runtime.advice.AdviceRules;
import dev.switchboard.runtime.advice.PluginAdvice;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.jar.JarFile;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The per-call cost of method advice: the same host method ({@code benchhost.AdvisedTarget.applyAsInt(int)}, called
 * through {@link IntUnaryOperator}, a monomorphic interface call),
 * {@code unadvised} (class never woven), {@code advised} (woven with one before handler counting calls, through the
 * runtime's own advice engine on this JVM's real {@code Instrumentation}) and {@code switchedOff} (woven, its only
 * handler switched off after it failed {@code maxFailures = 1} time: the state a failing advice is left in). JMH
 * forks a fresh JVM per mode, so the unadvised class was never retransformed. As in a host, the dispatcher is on the
 * bootstrap class path and the target class in a loader that is not the runtime's (every mode loads it the same way).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "-Djdk.attach.allowAttachSelf=true")
public class AdviceBench {
  @Param({"unadvised", "advised", "switchedOff"})
  public String mode;

  static final String TARGET = "benchhost.AdvisedTarget";
  private IntUnaryOperator target;
  private URLClassLoader hostLoader;
  private final LongAdder handled = new LongAdder();
  private AdviceEngine engine;
  private PluginAdvice advice;
  private int x = 17;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    URL classes = AdviceBench.class.getProtectionDomain().getCodeSource().getLocation();
    hostLoader = new URLClassLoader("bench-host", new URL[] {classes}, ClassLoader.getPlatformClassLoader());
    target = (IntUnaryOperator) Class.forName(TARGET, true, hostLoader).getConstructor().newInstance();
    if (mode.equals("unadvised")) return;
    java.lang.instrument.Instrumentation inst = SelfAgent.instrumentation();
    bootDispatcher(inst);
    engine = AdviceEngine.install(inst, new AdviceRules(List.of(), 1), id -> { });
    advice = engine.create("bench-advice", "bench-advice@1.0.0");
    boolean fail = mode.equals("switchedOff");
    advice.advise(MethodAdvice.on(TARGET).method("applyAsInt").descriptor("(I)I").before(call -> {
      if (fail) throw new IllegalStateException("switchedOff mode: this handler fails once and is switched off");
      handled.increment();
    }).build());
    engine.publish(advice, null);
    target.applyAsInt(1);
    if (!fail && handled.sum() != 1) throw new IllegalStateException("the advice did not run: " + advice.summary());
    if (fail && !advice.summary().contains("switched off")) {
      throw new IllegalStateException("the advice was not switched off: " + advice.summary());
    }
  }

  /** What the runtime does in a host: the dispatcher from the runtime jar on the bootstrap class path. */
  static void bootDispatcher(java.lang.instrument.Instrumentation inst) throws Exception {
    Path jar = Files.createTempFile("switchboard-bench-dispatch-", ".jar");
    jar.toFile().deleteOnExit();
    try (InputStream in = AdviceEngine.class.getResourceAsStream("/META-INF/switchboard/dispatch.jar")) {
      if (in == null) throw new IllegalStateException("the runtime jar on the class path has no dispatch.jar");
      Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
    }
    inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    hostLoader.close();
    if (engine == null) return;
    System.out.println("advice: " + advice.summary() + "; handler calls " + handled.sum() + "; " + engine.stats());
    engine.remove(advice, Duration.ofSeconds(10));
    engine.close();
  }

  @Benchmark
  public int call() {
    return target.applyAsInt(x);
  }
}
