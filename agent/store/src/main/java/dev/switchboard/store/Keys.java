package dev.switchboard.store;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names and key paths, one rule for every component (docs/reference.md §1).
 *
 * <p>A <em>name</em> (service, node, plugin) matches {@code [a-z0-9][a-z0-9._-]{0,62}}. A
 * <em>path</em> is absolute ({@code /a/b}), has no empty segment, no trailing {@code /}, no
 * {@code .} or {@code ..} segment, no control character, and is valid UTF-8 — exactly the paths
 * that exist identically in etcd and ZooKeeper.
 */
public final class Keys {
  /** The name rule of docs/reference.md §1. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private Keys() {}

  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** Returns {@code name} or throws {@link StoreException} ({@code INVALID_KEY}) naming {@code what}. */
  public static String requireName(String what, String name) {
    if (!isValidName(name)) {
      throw new StoreException(
          StoreException.Code.INVALID_KEY,
          what + " name is invalid: " + quote(name) + " (must match " + NAME.pattern() + ")");
    }
    return name;
  }

  /** Why {@code path} is not a valid key path, or empty when it is. */
  public static Optional<String> pathProblem(String path) {
    if (path == null) {
      return Optional.of("path is null");
    }
    if (path.isEmpty()) {
      return Optional.of("path is empty");
    }
    if (path.charAt(0) != '/') {
      return Optional.of("path does not start with '/': " + quote(path));
    }
    if (path.length() == 1) {
      return Optional.of("path is the root '/' itself");
    }
    if (path.endsWith("/")) {
      return Optional.of("path ends with '/': " + quote(path));
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return Optional.of("path contains control character 0x" + Integer.toHexString(c) + ": " + quote(path));
      }
      if (Character.isSurrogate(c)) {
        boolean paired = Character.isHighSurrogate(c) && i + 1 < path.length() && Character.isLowSurrogate(path.charAt(i + 1));
        if (!paired) {
          return Optional.of("path is not valid UTF-8 (unpaired surrogate): " + quote(path));
        }
        i++;
      }
      if (c == '\uFFFD') {
        return Optional.of("path is not valid UTF-8 (replacement character): " + quote(path));
      }
    }
    String[] segments = path.substring(1).split("/", -1);
    for (String s : segments) {
      if (s.isEmpty()) {
        return Optional.of("path has an empty segment: " + quote(path));
      }
      if (s.equals(".") || s.equals("..")) {
        return Optional.of("path has a '" + s + "' segment: " + quote(path));
      }
    }
    return Optional.empty();
  }

  public static boolean isValidPath(String path) {
    return pathProblem(path).isEmpty();
  }

  /** Returns {@code path} or throws {@link StoreException} ({@code INVALID_KEY}) with the reason. */
  public static String requirePath(String path) {
    Optional<String> problem = pathProblem(path);
    if (problem.isPresent()) {
      throw new StoreException(StoreException.Code.INVALID_KEY, problem.get());
    }
    return path;
  }

  /** A watch/list prefix: a valid path, or {@code "/"} for everything. */
  public static String requirePrefix(String prefix) {
    return "/".equals(prefix) ? prefix : requirePath(prefix);
  }

  /** Decodes strict UTF-8; empty when the bytes are not valid UTF-8. */
  public static Optional<String> decodeUtf8(byte[] bytes) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** Why the raw key bytes are not a valid key path, or empty when they are. */
  public static Optional<String> pathProblem(byte[] rawKey) {
    Optional<String> s = decodeUtf8(rawKey);
    if (s.isEmpty()) {
      return Optional.of("key is not valid UTF-8: " + hexPreview(rawKey));
    }
    return pathProblem(s.get());
  }

  /** Joins a valid path and relative segments: {@code join("/switchboard", "services", "x")}. */
  public static String join(String base, String... segments) {
    StringBuilder b = new StringBuilder("/".equals(base) ? "" : base);
    for (String s : segments) {
      b.append('/').append(s);
    }
    return requirePath(b.toString());
  }

  /** True when {@code key} lies strictly under {@code prefix} ({@code "/"} contains everything). */
  public static boolean isUnder(String key, String prefix) {
    return "/".equals(prefix) ? key.length() > 1 : key.startsWith(prefix + "/");
  }

  /** The path of {@code key} relative to {@code prefix}, without a leading '/'. */
  public static String relative(String key, String prefix) {
    if (!isUnder(key, prefix)) {
      throw new IllegalArgumentException("key not under prefix: " + key + " / " + prefix);
    }
    return "/".equals(prefix) ? key.substring(1) : key.substring(prefix.length() + 1);
  }

  private static final Pattern SEQUENTIAL = Pattern.compile("(^|.*[^0-9])[0-9]{10}$");

  /**
   * True when the last segment ends in ZooKeeper's 10-digit sequence counter ({@code lock-0000000012}):
   * how a sequential znode is recognised (ZooKeeper's Stat does not record it).
   */
  public static boolean looksSequential(String path) {
    return SEQUENTIAL.matcher(path.substring(path.lastIndexOf('/') + 1)).matches();
  }

  static String quote(String s) {
    return s == null ? "null" : "\"" + s.replace("\"", "\\\"") + "\"";
  }

  private static String hexPreview(byte[] b) {
    StringBuilder sb = new StringBuilder("0x");
    for (int i = 0; i < Math.min(b.length, 32); i++) {
      sb.append(String.format("%02x", b[i]));
    }
    return b.length > 32 ? sb + "…" : sb.toString();
  }
}
