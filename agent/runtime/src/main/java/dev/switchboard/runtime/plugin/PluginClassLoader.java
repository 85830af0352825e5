package dev.switchboard.runtime.plugin;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One plugin's class loader, defined from an in-memory {@link JarImage} (no file handle).
 *
 * <p>Delegation: JDK packages (every package of a boot-layer module defined to the boot or platform
 * loader) → the platform loader; {@code dev.switchboard.api} and its sub-packages → the loader
 * that holds the plugin API; the host's exported packages → the host loaders that define them
 * ({@link HostExports}, fixed when the loader is created); everything else →
 * the plugin jar only (child-first and isolated: host classes that are not exported are
 * invisible, and a plugin may bundle its own version of any library the host also has).
 *
 * <p>{@link #close()} drops the jar bytes; classes not yet loaded then fail to load.
 */
final class PluginClassLoader extends ClassLoader implements Closeable {
  static {
    registerAsParallelCapable();
  }

  private static final Set<String> JDK_PACKAGES = jdkPackages();

  private final String pluginId;
  private final ClassLoader apiLoader; // null = bootstrap
  private final HostExports exports;
  private final Holder holder;
  private final ProtectionDomain domain;

  /** The bytes, shared with resource URLs; cleared on close so URLs do not pin the jar. */
  private static final class Holder {
    volatile Map<String, byte[]> entries;

    Holder(Map<String, byte[]> entries) {
      this.entries = entries;
    }
  }

  PluginClassLoader(String pluginId, String version, Path jarPath, JarImage jar, ClassLoader apiLoader,
      HostExports exports) {
    super("plugin:" + pluginId + "@" + version, ClassLoader.getPlatformClassLoader());
    this.pluginId = pluginId;
    this.apiLoader = apiLoader;
    this.exports = exports;
    this.holder = new Holder(jar.entries());
    URL location;
    try {
      location = jarPath.toUri().toURL();
    } catch (MalformedURLException e) {
      location = null;
    }
    this.domain = new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null);
  }

  private static Set<String> jdkPackages() {
    Set<String> s = new HashSet<>();
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    for (Module m : ModuleLayer.boot().modules()) {
      ClassLoader l = m.getClassLoader();
      if (l == null || l == platform) {
        s.addAll(m.getPackages());
      }
    }
    return Collections.unmodifiableSet(s);
  }

  static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }

  boolean isExported(String pkg) {
    return exports.isExported(pkg);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        String pkg = packageOf(name);
        if (name.startsWith("java.") || JDK_PACKAGES.contains(pkg)) {
          c = getParent().loadClass(name);
        } else if (pkg.equals("dev.switchboard.api") || pkg.startsWith("dev.switchboard.api.")) {
          c = Class.forName(name, false, apiLoader);
        } else if (isExported(pkg)) {
          c = exports.load(name, pkg);
        } else {
          c = findClass(name);
        }
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    Map<String, byte[]> entries = holder.entries;
    if (entries == null) {
      throw new ClassNotFoundException(name + " (plugin " + pluginId + " is unloaded)");
    }
    byte[] b = entries.get(name.replace('.', '/') + ".class");
    if (b == null) {
      throw new ClassNotFoundException(name + " (not in plugin " + pluginId
          + " and not in the JDK, the plugin API or a package the host exports)");
    }
    String pkg = packageOf(name);
    if (!pkg.isEmpty() && getDefinedPackage(pkg) == null) {
      try {
        definePackage(pkg, null, null, null, null, null, null, null);
      } catch (IllegalArgumentException raced) {
        // defined concurrently by another thread: fine
      }
    }
    return defineClass(name, b, 0, b.length, domain);
  }

  @Override
  public URL getResource(String name) {
    URL own = findResource(name);
    return own != null ? own : getParent().getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    List<URL> all = new ArrayList<>();
    URL own = findResource(name);
    if (own != null) {
      all.add(own);
    }
    all.addAll(Collections.list(getParent().getResources(name)));
    return Collections.enumeration(all);
  }

  @Override
  public InputStream getResourceAsStream(String name) {
    Map<String, byte[]> entries = holder.entries;
    byte[] b = entries == null ? null : entries.get(name);
    if (b != null) {
      return new ByteArrayInputStream(b);
    }
    return getParent().getResourceAsStream(name);
  }

  @Override
  protected URL findResource(String name) {
    Map<String, byte[]> entries = holder.entries;
    if (entries == null || !entries.containsKey(name)) {
      return null;
    }
    try {
      return new URL("switchboard-plugin", pluginId, -1, "/" + name, new MemoryHandler(holder, name));
    } catch (MalformedURLException e) {
      return null;
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL u = findResource(name);
    return u == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(u));
  }

  /** Drops the jar bytes (idempotent). There is no file handle to release. */
  @Override
  public void close() {
    holder.entries = null;
  }

  boolean isClosed() {
    return holder.entries == null;
  }

  private static final class MemoryHandler extends URLStreamHandler {
    private final Holder holder;
    private final String name;

    MemoryHandler(Holder holder, String name) {
      this.holder = holder;
      this.name = name;
    }

    @Override
    protected URLConnection openConnection(URL u) {
      return new URLConnection(u) {
        @Override
        public void connect() {}

        @Override
        public InputStream getInputStream() throws IOException {
          Map<String, byte[]> entries = holder.entries;
          byte[] b = entries == null ? null : entries.get(name);
          if (b == null) {
            throw new IOException("plugin resource gone (plugin unloaded): " + u);
          }
          return new ByteArrayInputStream(b);
        }
      };
    }
  }

  @Override
  public String toString() {
    return getName();
  }
}
