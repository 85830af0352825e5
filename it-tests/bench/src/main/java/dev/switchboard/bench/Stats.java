package dev.switchboard.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** p50/p99/max of samples in milliseconds (nearest-rank percentiles). */
record Stats(int n, double p50, double p99, double max, double mean) {
  static Stats ofNanos(List<Long> nanos) {
    if (nanos.isEmpty()) throw new IllegalArgumentException("no samples");
    double[] ms = nanos.stream().mapToDouble(v -> v / 1e6).sorted().toArray();
    return new Stats(ms.length, rank(ms, 0.50), rank(ms, 0.99), ms[ms.length - 1], Arrays.stream(ms).average().orElse(0));
  }

  private static double rank(double[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", n);
    m.put("p50_ms", round(p50));
    m.put("p99_ms", round(p99));
    m.put("max_ms", round(max));
    m.put("mean_ms", round(mean));
    return m;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  @Override
  public String toString() {
    return String.format("n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms", n, p50, p99, max);
  }
}
