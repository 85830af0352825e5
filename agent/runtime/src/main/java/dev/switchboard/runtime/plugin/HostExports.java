package dev.switchboard.runtime.plugin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The host packages plugins see, each with the class loaders that define it (immutable). An entry
 * is a package ({@code com.example.spi}) or a package with its sub-packages ({@code
 * com.example.spi.*}); a class of an exported package is loaded through the entry's loaders, in
 * order (the first that has it wins). Packages that were asked for but that no loader defines are
 * kept by name in {@link #missing()}.
 */
public final class HostExports {
  private static final HostExports NONE = new HostExports(Map.of(), List.of());

  private final Map<String, List<ClassLoader>> exact;
  private final Map<String, List<ClassLoader>> prefixes;
  private final List<String> missing;

  private HostExports(Map<String, List<ClassLoader>> entries, List<String> missing) {
    Map<String, List<ClassLoader>> e = new LinkedHashMap<>();
    Map<String, List<ClassLoader>> p = new LinkedHashMap<>();
    entries.forEach((pattern, loaders) -> {
      if (loaders.isEmpty()) throw new IllegalArgumentException("export '" + pattern + "' has no class loader");
      if (pattern.endsWith(".*")) {
        p.put(pattern.substring(0, pattern.length() - 2), List.copyOf(loaders));
      } else {
        e.put(pattern, List.copyOf(loaders));
      }
    });
    this.exact = Map.copyOf(e);
    this.prefixes = p;
    this.missing = List.copyOf(missing);
  }

  public static HostExports none() {
    return NONE;
  }

  /** {@code patterns} all resolved through {@code loader} (nothing reported missing). */
  public static HostExports of(List<String> patterns, ClassLoader loader) {
    Objects.requireNonNull(loader, "loader == null");
    Map<String, List<ClassLoader>> m = new LinkedHashMap<>();
    for (String p : patterns) m.put(p, List.of(loader));
    return new HostExports(m, List.of());
  }

  /**
   * @param entries pattern → loaders that define it, in preference order (each list non-empty)
   * @param missing patterns no loader defines, by name
   */
  public static HostExports of(Map<String, List<ClassLoader>> entries, List<String> missing) {
    return new HostExports(entries, missing);
  }

  /** The exported patterns ({@code pkg} or {@code pkg.*}). */
  public List<String> patterns() {
    List<String> out = new ArrayList<>(exact.keySet());
    for (String p : prefixes.keySet()) out.add(p + ".*");
    return List.copyOf(out);
  }

  public List<String> missing() {
    return missing;
  }

  /** The loaders of {@code pkg}, or null when it is not exported. */
  List<ClassLoader> loadersOf(String pkg) {
    List<ClassLoader> l = exact.get(pkg);
    if (l != null) return l;
    for (Map.Entry<String, List<ClassLoader>> e : prefixes.entrySet()) {
      String p = e.getKey();
      if (pkg.equals(p) || pkg.startsWith(p + ".")) return e.getValue();
    }
    return null;
  }

  boolean isExported(String pkg) {
    return loadersOf(pkg) != null;
  }

  /** Loads {@code name} of the exported package {@code pkg} through its loaders. */
  Class<?> load(String name, String pkg) throws ClassNotFoundException {
    List<ClassLoader> loaders = loadersOf(pkg);
    if (loaders == null) throw new ClassNotFoundException(name + " (package " + pkg + " is not exported by the host)");
    ClassNotFoundException first = null;
    for (ClassLoader l : loaders) {
      try {
        return Class.forName(name, false, l);
      } catch (ClassNotFoundException e) {
        if (first == null) first = e;
      }
    }
    throw first;
  }

  @Override
  public String toString() {
    return patterns() + (missing.isEmpty() ? "" : " (missing " + missing + ")");
  }
}
