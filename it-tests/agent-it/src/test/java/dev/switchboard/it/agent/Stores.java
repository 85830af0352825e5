package dev.switchboard.it.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.store.Entry;
import dev.switchboard.store.KeySpace;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Operator-side writes and reads through the store adapters (jetcd / Curator underneath). */
final class Stores {
  private Stores() {}

  static String pluginKey(String service, String plugin, String leaf) {
    return "/switchboard/services/" + service + "/plugins/" + plugin + "/" + leaf;
  }

  static String statusKey(String service, String node, String plugin) {
    return "/switchboard/status/" + service + "/" + node + "/plugins/" + plugin;
  }

  static void put(KeySpace ks, String key, String value) throws Exception {
    ks.put(key, value.getBytes(StandardCharsets.UTF_8)).get(15, TimeUnit.SECONDS);
  }

  /**
   * {@code etcdctl put} when etcdctl is on the PATH (as an operator would write), else the same
   * write through the adapter. Returns how it was written.
   */
  static String etcdctlPut(String endpoints, KeySpace fallback, String key, String value) throws Exception {
    java.util.Optional<java.nio.file.Path> etcdctl = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .map(d -> java.nio.file.Path.of(d, "etcdctl")).filter(java.nio.file.Files::isExecutable).findFirst();
    if (etcdctl.isEmpty()) {
      put(fallback, key, value);
      return "adapter (no etcdctl on PATH)";
    }
    ProcessBuilder pb = new ProcessBuilder(etcdctl.get().toString(), "--endpoints=" + endpoints, "put", key, value).redirectErrorStream(true);
    pb.environment().put("ETCDCTL_API", "3");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("etcdctl put failed: " + out);
    return "etcdctl";
  }

  static void delete(KeySpace ks, String key) throws Exception {
    ks.delete(key).get(15, TimeUnit.SECONDS);
  }

  static Optional<JsonNode> json(KeySpace ks, String key) throws Exception {
    Optional<Entry> e = ks.get(key).get(15, TimeUnit.SECONDS);
    if (e.isEmpty()) return Optional.empty();
    return Optional.of(AgentNode.JSON.readTree(e.get().valueUtf8()));
  }

  static String artifact(java.nio.file.Path jar, String version) {
    return "{\"url\":\"" + jar.toUri() + "\",\"sha256\":\"" + sha256(jar) + "\",\"version\":\"" + version + "\"}";
  }

  static String sha256(java.nio.file.Path jar) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(java.nio.file.Files.readAllBytes(jar)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
