package dev.switchboard.runtime.boot;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.jar.JarFile;

/**
 * Which class loader's copy of the plugin API the runtime and its plugins use: the host's own, so
 * the host, the runtime and every plugin share one {@code Extensions} registry.
 *
 * <p>Chosen at the runtime's first use of an API class (attached to a running host: right after the
 * attach; with {@code -javaagent}: at the first control request, once the host's {@code main} has
 * run), among the loaders that already defined a {@code dev.switchboard.api} class (found through
 * {@link Instrumentation#getAllLoadedClasses()}: a Spring Boot launcher loader, a webapp loader) and
 * the system loader if it can load the API. The system loader is preferred when several qualify
 * (the others are named in a warning). Only a host with no API anywhere gets the runtime's nested
 * copy appended to its system class path. The choice is final for the runtime's life.
 */
final class ApiBinding {
  private static final String PROBE = IsolatedLoader.API_PREFIX + "Plugin";

  private final Supplier<Class<?>[]> loadedClasses;
  private final ClassLoader system;
  private final Appender appender;
  private final Path nestedApi;
  private ClassLoader chosen; // guarded by this
  private boolean appended; // guarded by this

  /** Appends a jar to the system class path. */
  interface Appender {
    void append(JarFile jar);
  }

  ApiBinding(Instrumentation inst, Path nestedApi) {
    this(inst::getAllLoadedClasses, ClassLoader.getSystemClassLoader(), inst::appendToSystemClassLoaderSearch, nestedApi);
  }

  ApiBinding(Supplier<Class<?>[]> loadedClasses, ClassLoader system, Appender appender, Path nestedApi) {
    this.loadedClasses = loadedClasses;
    this.system = system;
    this.appender = appender;
    this.nestedApi = nestedApi;
  }

  /** True once the nested API was appended to the system class path (the host had none). */
  synchronized boolean appended() {
    return appended;
  }

  synchronized ClassLoader loader() {
    if (chosen == null) chosen = choose();
    return chosen;
  }

  private ClassLoader choose() {
    Set<ClassLoader> found = new LinkedHashSet<>();
    if (visible(system)) found.add(system);
    for (Class<?> c : loadedClasses.get()) {
      ClassLoader l = c.getClassLoader();
      if (l == null || l instanceof IsolatedLoader || l instanceof IsolatedLoader.ApiOnlyParent) continue;
      if (c.getName().startsWith(IsolatedLoader.API_PREFIX) && visible(l)) found.add(l);
    }
    if (found.isEmpty()) {
      try {
        appender.append(new JarFile(nestedApi.toFile()));
      } catch (IOException e) {
        throw new IllegalStateException("cannot append the plugin API " + nestedApi + " to the host's class path: " + e, e);
      }
      appended = true;
      Boot.note("the host has no plugin API: appended " + nestedApi + " to its class path");
      return system;
    }
    List<ClassLoader> all = new ArrayList<>(found);
    ClassLoader pick = all.get(0); // the system loader if it qualifies (added first)
    if (all.size() > 1) {
      Boot.note("WARNING: the plugin API is defined by " + all.size() + " class loaders " + names(all) + "; plugins use the one of "
          + name(pick) + " (extension points the host defines through another copy do not see plugins)");
    } else if (pick != system) {
      Boot.note("plugin API of the host's loader " + name(pick) + " used");
    }
    return pick;
  }

  private boolean visible(ClassLoader l) {
    try {
      Class<?> c = Class.forName(PROBE, false, l);
      return c.getClassLoader() == l || l == system;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static List<String> names(List<ClassLoader> all) {
    List<String> out = new ArrayList<>();
    for (ClassLoader l : all) out.add(name(l));
    return out;
  }

  static String name(ClassLoader l) {
    String n = l.getName();
    return l.getClass().getName() + (n == null ? "" : "[" + n + "]") + "@" + Integer.toHexString(System.identityHashCode(l));
  }
}
