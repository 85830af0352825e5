package dev.switchboard.api;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a host announces to the runtime about its own classes, in the class loader that defines
 * them: the packages plugins may see. Lives in the plugin API, so a host whose API sits in a child
 * loader (a Spring Boot executable jar, a webapp) needs no Switchboard code on the system class
 * path: the runtime binds to the host's copy of the API and reads these announcements from it.
 *
 * <p>Two sources: {@link Extensions#point(Class)} announces the package of the point's interface
 * (exactly that package, through the interface's loader), and {@link #export(Class, String...)}
 * announces further packages through the loader of an anchor class (for example the servlet API
 * a filter extension point's methods use). Announcements can be made at any time; the runtime
 * picks them up for the plugins it loads afterwards. Loaders are held weakly: a webapp that is
 * undeployed takes its announcements with it.
 */
public final class HostPackages {
  private static final Pattern PACKAGE =
      Pattern.compile("[a-zA-Z_$][a-zA-Z0-9_$]*(\\.[a-zA-Z_$][a-zA-Z0-9_$]*)*(\\.\\*)?");

  private static final List<Entry> ENTRIES = new ArrayList<>(); // guarded by ENTRIES
  private static long changes; // guarded by ENTRIES

  private HostPackages() {}

  /**
   * One announced package: {@code pattern} is a package name ({@code com.example.spi}) or a package
   * with its sub-packages ({@code com.example.spi.*}), loaded through {@code loader}.
   *
   * @param pattern the package or package pattern
   * @param loader the loader that resolves it (null once that loader was collected)
   * @param origin who announced it (the point's interface or the anchor class name)
   */
  public record Announcement(String pattern, ClassLoader loader, String origin) {}

  private static final class Entry {
    final String pattern;
    final WeakReference<ClassLoader> loader;
    final String origin;

    Entry(String pattern, ClassLoader loader, String origin) {
      this.pattern = pattern;
      this.loader = new WeakReference<>(loader);
      this.origin = origin;
    }
  }

  /**
   * Announces that plugins may see {@code packages} ({@code pkg} or {@code pkg.*}), loaded
   * through the class loader of {@code anchor}.
   *
   * @throws IllegalArgumentException naming the entry when one is not a package name, or names the
   *     JDK or the plugin API (those are always visible)
   */
  public static void export(Class<?> anchor, String... packages) {
    Objects.requireNonNull(anchor, "anchor == null");
    Objects.requireNonNull(packages, "packages == null");
    ClassLoader loader = anchor.getClassLoader();
    if (loader == null) throw new IllegalArgumentException("anchor " + anchor.getName() + " is a JDK class: its packages are always visible");
    for (String p : packages) check(p);
    synchronized (ENTRIES) {
      for (String p : packages) add(p, loader, anchor.getName());
    }
  }

  /** Called by {@link Extensions#point(Class)} for a new point's interface. */
  static void announcePoint(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    String pkg = type.getPackageName();
    if (loader == null || pkg.isEmpty() || pkg.equals("dev.switchboard.api") || pkg.startsWith("dev.switchboard.api.")) return;
    synchronized (ENTRIES) {
      add(pkg, loader, type.getName());
    }
  }

  private static void add(String pattern, ClassLoader loader, String origin) {
    ENTRIES.removeIf(e -> e.loader.get() == null);
    for (Entry e : ENTRIES) {
      if (e.pattern.equals(pattern) && e.loader.get() == loader) return;
    }
    ENTRIES.add(new Entry(pattern, loader, origin));
    changes++;
  }

  static void check(String p) {
    if (p == null || !PACKAGE.matcher(p).matches()) {
      throw new IllegalArgumentException("not a package name (pkg or pkg.*): '" + p + "'");
    }
    if (p.equals("java") || p.startsWith("java.") || p.startsWith("dev.switchboard.api")) {
      throw new IllegalArgumentException("package is always visible to plugins, do not export it: '" + p + "'");
    }
  }

  /** The announcements whose loaders are still alive, oldest first. */
  public static List<Announcement> announcements() {
    List<Announcement> out = new ArrayList<>();
    synchronized (ENTRIES) {
      for (Entry e : ENTRIES) {
        ClassLoader l = e.loader.get();
        if (l != null) out.add(new Announcement(e.pattern, l, e.origin));
      }
    }
    return List.copyOf(out);
  }

  /** A number that grows with every new announcement (to notice changes cheaply). */
  public static long changes() {
    synchronized (ENTRIES) {
      return changes;
    }
  }
}
