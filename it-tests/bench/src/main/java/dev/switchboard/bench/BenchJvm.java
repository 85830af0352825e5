package dev.switchboard.bench;

import dev.switchboard.testkit.Proc;
import java.util.ArrayList;
import java.util.List;

/** Commands for the child JVMs of the benchmarks (sample host, agent, bridge). */
final class BenchJvm {
  private BenchJvm() {}

  /** The JVM flags of host and sidecar in the integration tests. */
  static final List<String> DEFAULT_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC");

  /** Same JVM flags for host and sidecar as the integration tests use. */
  static List<String> java(String... args) {
    return javaWith(DEFAULT_FLAGS, args);
  }

  /** {@code java} with {@code flags} instead of {@link #DEFAULT_FLAGS} (plus {@code bench.childJvmArgs}). */
  static List<String> javaWith(List<String> flags, String... args) {
    List<String> all = new ArrayList<>(flags);
    String extra = System.getProperty("bench.childJvmArgs", "").trim(); // e.g. a JFR recording for profiling
    if (!extra.isEmpty()) all.addAll(List.of(extra.split("\\s+")));
    return Proc.java(all, args);
  }
}
