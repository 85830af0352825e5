package dev.switchboard.runtime.plugin;

import dev.switchboard.api.PluginConfig;
import dev.switchboard.control.ActivateRequest;
import dev.switchboard.runtime.plugin.PluginRefusedException.Code;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Verified and parsed plugin jars by sha256, least recently used first out, bounded by count and
 * by uncompressed bytes. Activating a jar again (flips, restarts) then skips reading the file,
 * hashing, inflating, parsing {@code plugin.json}, compiling its config schema and checking class
 * versions: the bytes were verified against this sha256 when first read, so the image is the
 * jar's content whatever the file holds now. Refused jars are never kept (each request re-checks
 * them). Class loaders are still created fresh for every activation.
 */
final class PreparedJars {
  /**
   * One verified jar, its validated descriptor and the last config validated against its schema: a flip
   * back on with the same config text (the common case) reuses the validated, immutable {@link PluginConfig}
   * instead of parsing and validating the same text against the same schema again.
   */
  record Prepared(JarImage jar, Descriptors.Parsed parsed, AtomicReference<ValidConfig> lastConfig) {
    Prepared(JarImage jar, Descriptors.Parsed parsed) {
      this(jar, parsed, new AtomicReference<>());
    }

    /** {@code configJson} validated against this jar's schema (refusals throw and are never kept). */
    ValidConfig config(String configJson) {
      ValidConfig last = lastConfig.get();
      if (last != null && Objects.equals(last.json(), configJson)) return last;
      PluginConfig config = Descriptors.config(configJson, parsed.schema());
      ValidConfig v = new ValidConfig(configJson, config, Descriptors.canonical(configJson));
      lastConfig.set(v);
      return v;
    }
  }

  /** A config text that passed validation, as the plugin sees it and in canonical form. */
  record ValidConfig(String json, PluginConfig config, String canonical) {}

  private final int maxCount;
  private final long maxBytes;
  private final Map<String, Prepared> lru = new LinkedHashMap<>(16, 0.75f, true); // guarded by this
  private long bytes; // guarded by this

  PreparedJars(int maxCount, long maxBytes) {
    if (maxCount < 0) throw new IllegalArgumentException("maxCount < 0: " + maxCount);
    if (maxBytes < 0) throw new IllegalArgumentException("maxBytes < 0: " + maxBytes);
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
  }

  /** The prepared jar of {@code req}: cached, or read, verified and parsed now (refusals throw). */
  Prepared get(ActivateRequest req, PluginManagerConfig settings) {
    String key = req.sha256().trim().toLowerCase(Locale.ROOT);
    Prepared p;
    synchronized (this) {
      p = lru.get(key);
    }
    if (p != null) {
      String id = p.parsed().descriptor().id();
      if (!id.equals(req.pluginId())) {
        throw new PluginRefusedException(Code.DESCRIPTOR, "id '" + id + "' does not match the requested plugin '" + req.pluginId() + "'");
      }
      return p;
    }
    JarImage jar = JarImage.read(java.nio.file.Path.of(req.jarPath()), req.sha256(), settings);
    Descriptors.Parsed parsed = Descriptors.parse(jar, req.pluginId(), settings.apiVersion());
    ClassVersions.check(jar, settings.hostJavaFeature());
    p = new Prepared(jar, parsed);
    put(key, p);
    return p;
  }

  private synchronized void put(String key, Prepared p) {
    long size = p.jar().totalBytes();
    if (maxCount == 0 || size > maxBytes || lru.containsKey(key)) return;
    lru.put(key, p);
    bytes += size;
    for (Iterator<Prepared> it = lru.values().iterator(); it.hasNext() && (lru.size() > maxCount || bytes > maxBytes); ) {
      bytes -= it.next().jar().totalBytes();
      it.remove();
    }
  }

  synchronized int size() {
    return lru.size();
  }

  synchronized long bytes() {
    return bytes;
  }
}
