package dev.switchboard.runtime.advice;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytecode of every class the weaver changed, by SHA-256: {@code original}, the bytes the JVM handed the
 * transformer the first time the class was woven, and {@code current}, the bytes the last transformation (or
 * retransformation) of the class left installed: the woven bytes, or the bytes the JVM handed in when the class
 * was restored and left alone. After a restore the two are equal, which shows byte for byte that the original
 * class is back. Only classes that were woven at least once are tracked; class loads cost one map lookup once
 * any class has been woven.
 */
final class WovenClasses {
  static final int REPORTED = 64;

  private record Hashes(String original, String current) {}

  private final Map<String, Hashes> byKey = new ConcurrentHashMap<>();

  private static String key(ClassLoader loader, String internalName) {
    return internalName.replace('/', '.') + (loader == null ? "" : "@" + Integer.toHexString(System.identityHashCode(loader)));
  }

  /** Whether a class by this loader and internal name was woven before. */
  boolean tracked(ClassLoader loader, String internalName) {
    return internalName != null && !byKey.isEmpty() && byKey.containsKey(key(loader, internalName));
  }

  /** One transformation ended: {@code out} is the woven class, or null when the class was left as {@code in}. */
  void transformed(ClassLoader loader, String internalName, byte[] in, byte[] out) {
    if (internalName == null) return;
    String k = key(loader, internalName);
    if (out == null) {
      byKey.computeIfPresent(k, (x, h) -> new Hashes(h.original(), sha256(in)));
    } else {
      String current = sha256(out);
      byKey.compute(k, (x, h) -> new Hashes(h == null ? sha256(in) : h.original(), current));
    }
  }

  /**
   * {@code class[@loader]} → {@code original}, {@code current} (first 16 hex digits of each), {@code restored}
   * (whether they are equal); at most {@value #REPORTED} classes.
   */
  Map<String, Object> report() {
    Map<String, Object> out = new LinkedHashMap<>();
    byKey.entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(REPORTED).forEach(e -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("original", e.getValue().original());
      m.put("current", e.getValue().current());
      m.put("restored", e.getValue().original().equals(e.getValue().current()));
      out.put(e.getKey(), m);
    });
    return out;
  }

  /** Classes woven now (their current bytes differ from the original). */
  long wovenNow() {
    return byKey.values().stream().filter(h -> !h.original().equals(h.current())).count();
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
