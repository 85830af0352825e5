package dev.switchboard.fleet;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/** p50 / p99 / max of a sample (nearest rank), as the fleet harness reports them. Immutable. */
public record Percentiles(int n, double p50, double p99, double max) {
  public static Percentiles of(Collection<? extends Number> values) {
    if (values.isEmpty()) throw new IllegalArgumentException("values is empty");
    double[] v = values.stream().mapToDouble(Number::doubleValue).toArray();
    Arrays.sort(v);
    return new Percentiles(v.length, rank(v, 0.50), rank(v, 0.99), v[v.length - 1]);
  }

  private static double rank(double[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "n=%d p50=%.0f p99=%.0f max=%.0f", n, p50, p99, max);
  }
}
