package dev.switchboard.control.internal;

import dev.switchboard.control.ControlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Validated reads of message fields; every violation is a {@code PROTOCOL} error naming the field. */
public final class Fields {
  private Fields() {}

  /** Longest string field accepted (paths, error texts). */
  public static final int MAX_STRING = 64 * 1024;

  public static ControlException bad(String message) {
    return new ControlException(ControlException.Code.PROTOCOL, message);
  }

  public static String string(Map<String, Object> m, String field) {
    String s = optString(m, field);
    if (s == null) throw bad("field '" + field + "' missing or null");
    return s;
  }

  public static String optString(Map<String, Object> m, String field) {
    Object v = m.get(field);
    if (v == null) return null;
    if (!(v instanceof String)) throw bad("field '" + field + "' is not a string: " + Json.typeName(v));
    String s = (String) v;
    if (s.length() > MAX_STRING) throw bad("field '" + field + "' longer than " + MAX_STRING + " chars: " + s.length());
    return s;
  }

  public static long integer(Map<String, Object> m, String field, long min, long max) {
    Object v = m.get(field);
    if (!(v instanceof Long)) throw bad("field '" + field + "' is not an integer: " + (v == null ? "missing" : Json.typeName(v) + " " + v));
    long l = (Long) v;
    if (l < min || l > max) throw bad("field '" + field + "' out of range " + min + ".." + max + ": " + l);
    return l;
  }

  public static boolean bool(Map<String, Object> m, String field) {
    Object v = m.get(field);
    if (!(v instanceof Boolean)) throw bad("field '" + field + "' is not a boolean: " + (v == null ? "missing" : Json.typeName(v)));
    return (Boolean) v;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Map<String, Object> m, String field) {
    Object v = m.get(field);
    if (!(v instanceof Map)) throw bad("field '" + field + "' is not an object: " + (v == null ? "missing" : Json.typeName(v)));
    return (Map<String, Object>) v;
  }

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> objects(Map<String, Object> m, String field, int maxSize) {
    Object v = m.get(field);
    if (!(v instanceof List)) throw bad("field '" + field + "' is not an array: " + (v == null ? "missing" : Json.typeName(v)));
    List<?> l = (List<?>) v;
    if (l.size() > maxSize) throw bad("field '" + field + "' has more than " + maxSize + " elements: " + l.size());
    List<Map<String, Object>> out = new ArrayList<>(l.size());
    for (Object o : l) {
      if (!(o instanceof Map)) throw bad("field '" + field + "' element is not an object: " + Json.typeName(o));
      out.add((Map<String, Object>) o);
    }
    return out;
  }

  public static List<String> optStrings(Map<String, Object> m, String field, int maxSize) {
    Object v = m.get(field);
    if (v == null) return List.of();
    if (!(v instanceof List)) throw bad("field '" + field + "' is not an array: " + Json.typeName(v));
    List<?> l = (List<?>) v;
    if (l.size() > maxSize) throw bad("field '" + field + "' has more than " + maxSize + " elements: " + l.size());
    List<String> out = new ArrayList<>(l.size());
    for (Object o : l) {
      if (!(o instanceof String)) throw bad("field '" + field + "' element is not a string: " + Json.typeName(o));
      String s = (String) o;
      if (s.length() > MAX_STRING) throw bad("field '" + field + "' element longer than " + MAX_STRING + " chars");
      out.add(s);
    }
    return out;
  }
}
