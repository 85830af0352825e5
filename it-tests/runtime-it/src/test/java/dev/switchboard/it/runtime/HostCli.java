package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.control.internal.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code switchboard host} verbs against one host, through the real CLI jar. */
final class HostCli {
  final Path controlDir;
  final long pid;

  HostCli(Path controlDir, long pid) {
    this.controlDir = controlDir;
    this.pid = pid;
  }

  Cli.Result activate(Path jar, String... extra) {
    String[] args = new String[6 + extra.length];
    args[0] = "host";
    args[1] = "activate";
    args[2] = "--pid";
    args[3] = Long.toString(pid);
    args[4] = "--jar";
    args[5] = jar.toString();
    System.arraycopy(extra, 0, args, 6, extra.length);
    Cli.Result r = Cli.run(controlDir, args);
    System.out.println("switchboard host activate " + jar.getFileName() + " -> " + r.exit() + " (" + r.millis() + " ms): " + r.stdout().trim()
        + (r.stderr().isBlank() ? "" : " | " + r.stderr().trim()));
    return r;
  }

  Cli.Result deactivate(String pluginId) {
    Cli.Result r = Cli.run(controlDir, "host", "deactivate", "--pid", Long.toString(pid), "--plugin", pluginId);
    System.out.println("switchboard host deactivate " + pluginId + " -> " + r.exit() + ": " + r.stdout().trim()
        + (r.stderr().isBlank() ? "" : " | " + r.stderr().trim()));
    return r;
  }

  /** {@code host status --json}, parsed. */
  Map<String, Object> statusJson() {
    Cli.Result r = Cli.run(controlDir, "host", "status", "--pid", Long.toString(pid), "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    return Json.parseObject(r.stdout().trim());
  }

  /** {@code host status --json --check-unload} (one full GC in the host settles pending unloads), parsed. */
  Map<String, Object> statusJsonCheckingUnload() {
    Cli.Result r = Cli.run(controlDir, "host", "status", "--pid", Long.toString(pid), "--json", "--check-unload");
    assertThat(r.exit()).as(r.toString()).isZero();
    return Json.parseObject(r.stdout().trim());
  }

  /**
   * The plugin's status once its unload outcome is settled: runs {@code --check-unload} (one full GC in
   * the host each) until the outcome is no longer {@code pending}. A loader can stay reachable for a
   * moment after a deactivation (a JIT compilation of the plugin's hot code still in the host's
   * compile queue holds its class, for one); the runtime's own deadline (30 s) turns a loader that
   * stays reachable into {@code leaked}, so this fails on a real leak and never passes on one.
   */
  Map<String, Object> settledUnload(String pluginId) {
    long end = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    int checks = 0;
    Map<String, Object> p;
    do {
      p = plugins(statusJsonCheckingUnload()).get(pluginId);
      checks++;
      assertThat(p).as("status of " + pluginId).isNotNull();
      if (!"pending".equals(p.get("unload"))) {
        if (checks > 1) System.out.println("unload of " + pluginId + " settled after " + checks + " on-demand checks: " + p.get("unload"));
        return p;
      }
      HostProcess.sleep(250);
    } while (System.nanoTime() < end);
    throw new AssertionError("unload of " + pluginId + " still pending after " + checks + " on-demand checks over 60 s: " + p);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> plugins(Map<String, Object> status) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Object o : (List<Object>) status.get("plugins")) {
      Map<String, Object> p = (Map<String, Object>) o;
      out.put((String) p.get("pluginId"), p);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> stats(Map<String, Object> status) {
    return (Map<String, Object>) status.get("stats");
  }

  @SuppressWarnings("unchecked")
  static long starts(Map<String, Object> status, String pluginId) {
    Map<String, Object> stats = stats(status);
    if (stats == null) return 0; // no runtime attached yet
    Object n = ((Map<String, Object>) stats.get("starts")).get(pluginId);
    return n == null ? 0 : (Long) n;
  }
}
