package dev.switchboard.runtime.plugin;

import dev.switchboard.api.HostPackages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Resolves host exports against the class loaders that define the packages, whatever they are: the
 * system loader, a Spring Boot launcher loader, a webapp loader. Sources, in preference order:
 *
 * <ol>
 *   <li>the host's announcements in the plugin API ({@link HostPackages}: extension point
 *       interfaces and explicit exports, each with its loader) — always exported;
 *   <li>packages asked for by name (agent argument, control connection, system property): resolved
 *       through the loaders of already loaded classes of that package ({@code getAllLoadedClasses}),
 *       else through any announcing loader, the plugin API's loader or the system loader that has
 *       the package's directory.
 * </ol>
 *
 * A package asked for that no loader defines is reported by name in {@link HostExports#missing()}
 * (and asked again at the next resolution: a webapp deployed later can still provide it). Asked
 * packages only accumulate: a package once exported stays exported for plugins loaded later.
 * Thread-safe; plugin loaders and the runtime's own loaders are never used as export sources.
 */
public final class ExportResolver {
  private final Supplier<Class<?>[]> loadedClasses;
  private final ClassLoader apiLoader;
  private final ClassLoader system;
  private final Set<String> asked = new LinkedHashSet<>(); // guarded by this
  private HostExports last; // guarded by this
  private long lastChanges = -1; // guarded by this

  public ExportResolver(Supplier<Class<?>[]> loadedClasses, ClassLoader apiLoader, ClassLoader system) {
    this.loadedClasses = loadedClasses;
    this.apiLoader = apiLoader;
    this.system = system;
  }

  /**
   * Adds packages ({@code pkg} or {@code pkg.*}) to those asked for.
   *
   * @throws IllegalArgumentException naming the first entry that is not a package name
   */
  public synchronized void ask(List<String> patterns) {
    for (String p : patterns) checkPattern(p);
    if (asked.addAll(patterns)) last = null;
  }

  public synchronized List<String> asked() {
    return List.copyOf(asked);
  }

  /** The exports now (recomputed when something changed or a package was missing). */
  public synchronized HostExports current() {
    long changes = HostPackages.changes();
    if (last != null && changes == lastChanges && last.missing().isEmpty()) return last;
    last = resolve();
    lastChanges = changes;
    return last;
  }

  public static void checkPattern(String p) {
    if (p == null || !p.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*(\\.\\*)?")) {
      throw new IllegalArgumentException("exports entry is not a package name (pkg or pkg.*): '" + p + "'");
    }
    if (p.equals("java") || p.startsWith("java.") || p.startsWith("dev.switchboard.api")) {
      throw new IllegalArgumentException("exports entry is always visible to plugins, do not list it: '" + p + "'");
    }
  }

  private HostExports resolve() {
    Map<String, Set<ClassLoader>> m = new LinkedHashMap<>();
    Set<ClassLoader> announcing = new LinkedHashSet<>();
    for (HostPackages.Announcement a : HostPackages.announcements()) {
      if (!usable(a.loader())) continue;
      m.computeIfAbsent(a.pattern(), k -> new LinkedHashSet<>()).add(a.loader());
      announcing.add(a.loader());
    }
    List<String> open = new ArrayList<>();
    for (String p : asked) {
      if (m.computeIfAbsent(p, k -> new LinkedHashSet<>()).isEmpty()) open.add(p);
    }
    if (!open.isEmpty()) {
      for (Class<?> c : loadedClasses.get()) {
        ClassLoader l = c.getClassLoader();
        if (!usable(l)) continue;
        String pkg = c.getPackageName();
        for (String p : open) {
          if (matches(p, pkg)) m.get(p).add(l);
        }
      }
      Set<ClassLoader> candidates = new LinkedHashSet<>(announcing);
      if (apiLoader != null) candidates.add(apiLoader);
      candidates.add(system);
      for (String p : open) {
        if (!m.get(p).isEmpty()) continue;
        String dir = base(p).replace('.', '/') + "/";
        for (ClassLoader l : candidates) {
          if (usable(l) && (l.getDefinedPackage(base(p)) != null || l.getResource(dir) != null)) m.get(p).add(l);
        }
      }
    }
    Map<String, List<ClassLoader>> entries = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    m.forEach((p, loaders) -> {
      if (loaders.isEmpty()) {
        missing.add(p);
      } else {
        entries.put(p, List.copyOf(loaders));
      }
    });
    return HostExports.of(entries, missing);
  }

  private static String base(String pattern) {
    return pattern.endsWith(".*") ? pattern.substring(0, pattern.length() - 2) : pattern;
  }

  static boolean matches(String pattern, String pkg) {
    if (!pattern.endsWith(".*")) return pattern.equals(pkg);
    String b = base(pattern);
    return pkg.equals(b) || pkg.startsWith(b + ".");
  }

  /** Not the JDK's, not a plugin's, not the runtime's own loaders. */
  private boolean usable(ClassLoader l) {
    if (l == null || l == ClassLoader.getPlatformClassLoader() || l instanceof PluginClassLoader) return false;
    ClassLoader runtime = ExportResolver.class.getClassLoader();
    return l != runtime || l == system; // in unit tests the runtime is on the system class path
  }
}
