package dev.switchboard.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Collection counts and times of another JVM from {@code jstat -gc <pid>}: young (YGC/YGCT) and full
 * (FGC/FGCT) collections, so a benchmark can state the stop-the-world pauses of a host during a phase.
 */
record JstatGc(long young, double youngSeconds, long full, double fullSeconds) {
  static JstatGc of(long pid) throws Exception {
    Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
    Process p = new ProcessBuilder(jstat.toString(), "-gc", Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("jstat -gc " + pid + " failed: " + out);
    List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
    if (lines.size() < 2) throw new IllegalStateException("jstat -gc " + pid + ": unexpected output: " + out);
    List<String> head = List.of(lines.get(0).trim().split("\\s+"));
    String[] v = lines.get(1).trim().split("\\s+");
    return new JstatGc(Long.parseLong(v[head.indexOf("YGC")]), Double.parseDouble(v[head.indexOf("YGCT")]),
        Long.parseLong(v[head.indexOf("FGC")]), Double.parseDouble(v[head.indexOf("FGCT")]));
  }

  /** What happened between {@code before} and this sample, as JSON-ready values. */
  Map<String, Object> since(JstatGc before) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("young_gcs", young - before.young);
    m.put("young_gc_ms", Stats.round((youngSeconds - before.youngSeconds) * 1000));
    m.put("full_gcs", full - before.full);
    m.put("full_gc_ms", Stats.round((fullSeconds - before.fullSeconds) * 1000));
    return m;
  }
}
