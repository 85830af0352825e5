package dev.switchboard.runtime.boot;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The runtime's private loader: its own classes come from the extracted runtime jar; its parent
 * exposes only the JDK (platform loader) and the plugin API {@code dev.switchboard.api.*} (from
 * the host loader that {@link ApiBinding} chooses, so host, runtime and plugins share one extension
 * registry).
 */
final class IsolatedLoader extends URLClassLoader {
  static final String API_PREFIX = "dev.switchboard.api.";
  static final String API_RESOURCE_PREFIX = "dev/switchboard/api/";

  static {
    ClassLoader.registerAsParallelCapable();
  }

  private IsolatedLoader(URL[] urls, ClassLoader parent) {
    super("switchboard-runtime", urls, parent);
  }

  static IsolatedLoader create(Path runtimeJar, ApiBinding api) throws MalformedURLException {
    return new IsolatedLoader(new URL[] {runtimeJar.toUri().toURL()}, new ApiOnlyParent(api));
  }

  /** JDK classes from the platform loader; {@code dev.switchboard.api.*} from the bound host loader; nothing else. */
  static final class ApiOnlyParent extends ClassLoader {
    static {
      ClassLoader.registerAsParallelCapable();
    }

    private final ApiBinding api;

    ApiOnlyParent(ApiBinding api) {
      super("switchboard-runtime-parent", ClassLoader.getPlatformClassLoader());
      this.api = api;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith(API_PREFIX)) {
        return Class.forName(name, false, api.loader());
      }
      return super.loadClass(name, resolve); // platform loader, then findClass (always fails)
    }

    @Override
    public URL getResource(String name) {
      if (name.startsWith(API_RESOURCE_PREFIX)) return api.loader().getResource(name);
      return super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      if (name.startsWith(API_RESOURCE_PREFIX)) return api.loader().getResources(name);
      Enumeration<URL> e = super.getResources(name);
      return e == null ? Collections.emptyEnumeration() : e;
    }
  }
}
