package dev.switchboard.it.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Convergence times of the fault scenarios: each is printed when measured
 * ({@code E2E fault <name>: converged in <ms> ms}) and a summary at the end of a class names those over the
 * issue's target (5 s). Printed, never asserted: behaviour is asserted with generous timeouts.
 */
final class FaultReport {
  static final long TARGET_MS = 5_000;
  private static final List<String> LINES = new ArrayList<>();

  private FaultReport() {}

  /** Records and prints the convergence of fault {@code name}, {@code ms} after {@code from}. */
  static synchronized void converged(String name, long ms, String from) {
    String line = String.format(Locale.ROOT, "E2E fault %s: converged in %d ms (%s)%s", name, ms, from,
        ms > TARGET_MS ? " — over the 5 s target" : "");
    LINES.add(line);
    System.out.println(line);
  }

  /** Nanos → millis since {@code t0Nanos}. */
  static long since(long t0Nanos) {
    return (System.nanoTime() - t0Nanos) / 1_000_000;
  }

  static synchronized void printSummary(String testClass) {
    System.out.println("E2E fault summary (" + testClass + "), load " + load() + ":");
    for (String l : LINES) {
      System.out.println("  " + l);
    }
    LINES.clear();
  }

  /** The 1-minute load average (benchmarks state the load next to every number). */
  static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
  }
}
