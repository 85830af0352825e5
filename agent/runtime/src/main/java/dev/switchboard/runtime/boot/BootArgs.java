package dev.switchboard.runtime.boot;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decodes agent arguments {@code key=value&key=value} (values URL-encoded), as written by {@code
 * dev.switchboard.control.server.AgentArgs}. Known keys: {@code controlDir}, {@code exports}.
 * Unknown keys, repeated keys and oversized input are refused.
 */
final class BootArgs {
  private static final Set<String> KEYS = Set.of("controlDir", "exports");
  private static final int MAX_LENGTH = 8192;

  private BootArgs() {}

  static Map<String, String> parse(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isBlank()) return out;
    if (raw.length() > MAX_LENGTH) throw new IllegalArgumentException("agent args longer than " + MAX_LENGTH + " chars: " + raw.length());
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("agent arg is not key=value: '" + pair + "'");
      String key = pair.substring(0, eq);
      if (!KEYS.contains(key)) throw new IllegalArgumentException("unknown agent arg '" + key + "' (known: " + KEYS + ")");
      String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (out.put(key, value) != null) throw new IllegalArgumentException("agent arg '" + key + "' given twice");
    }
    return out;
  }
}
