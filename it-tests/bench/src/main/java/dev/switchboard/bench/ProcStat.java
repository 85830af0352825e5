package dev.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Resident set size and CPU time of a Linux process from {@code /proc} (idle measurements). */
final class ProcStat {
  private ProcStat() {}

  static long rssBytes(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
    }
    throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
  }

  /** RssAnon / RssFile / RssShmem of {@code /proc/pid/status} in bytes (what the resident set is made of). */
  static Map<String, Long> rssParts(long pid) throws Exception {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      for (String k : new String[] {"RssAnon", "RssFile", "RssShmem"}) {
        if (line.startsWith(k + ":")) m.put(k, Long.parseLong(line.replaceAll("\\D+", "")) * 1024);
      }
    }
    return m;
  }

  /** utime + stime in clock ticks (fields 14 and 15 of /proc/pid/stat, after the command name). */
  static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** RSS now and the CPU share (percent of one core, 100 ticks/s assumed) over {@code seconds} of idling. */
  static Map<String, Object> idle(long pid, int seconds) throws Exception {
    long c0 = cpuTicks(pid);
    long t0 = System.nanoTime();
    TimeUnit.SECONDS.sleep(seconds);
    long c1 = cpuTicks(pid);
    double wall = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rss_bytes", rssBytes(pid));
    for (Map.Entry<String, Long> e : rssParts(pid).entrySet()) m.put(e.getKey().toLowerCase() + "_bytes", e.getValue());
    m.put("idle_seconds", Stats.round(wall));
    m.put("cpu_percent_of_one_core", Stats.round((c1 - c0) / 100.0 / wall * 100));
    return m;
  }

  /** Output of {@code jcmd pid args...} (also when it reports an error, e.g. NMT not enabled). */
  static String jcmd(long pid, String... args) throws Exception {
    java.util.List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    cmd.add(Long.toString(pid));
    cmd.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("jcmd " + cmd + " did not finish within 30 s");
    }
    return "$ jcmd " + pid + " " + String.join(" ", args) + "\n" + out + "\n";
  }
}
