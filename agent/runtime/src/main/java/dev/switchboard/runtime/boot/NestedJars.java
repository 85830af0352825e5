package dev.switchboard.runtime.boot;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The jars nested in {@code switchboard-runtime.jar} ({@code META-INF/switchboard/runtime-impl.jar},
 * {@code META-INF/switchboard/plugin-api.jar}), extracted to a fresh private directory (mode
 * 0700) that is removed when the host exits.
 */
final class NestedJars {
  static final String IMPL = "META-INF/switchboard/runtime-impl.jar";
  static final String API = "META-INF/switchboard/plugin-api.jar";
  private static final long MAX_NESTED_BYTES = 256L << 20;

  private final Path runtimeImpl;
  private final Path pluginApi;
  private final String version;

  private NestedJars(Path runtimeImpl, Path pluginApi, String version) {
    this.runtimeImpl = runtimeImpl;
    this.pluginApi = pluginApi;
    this.version = version;
  }

  Path runtimeImpl() {
    return runtimeImpl;
  }

  Path pluginApi() {
    return pluginApi;
  }

  String version() {
    return version;
  }

  static NestedJars extract(Class<?> anchor) throws IOException {
    CodeSource cs = anchor.getProtectionDomain().getCodeSource();
    if (cs == null || cs.getLocation() == null) throw new IOException("cannot locate the runtime jar of " + anchor.getName());
    Path outer;
    try {
      outer = Path.of(cs.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IOException("runtime jar location is not a file: " + cs.getLocation(), e);
    }
    if (!Files.isRegularFile(outer)) throw new IOException("runtime is not running from a jar: " + outer);
    Path dir = Files.createTempDirectory("switchboard-runtime-" + ProcessHandle.current().pid() + "-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    dir.toFile().deleteOnExit();
    try (JarFile jar = new JarFile(outer.toFile())) {
      String version = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Implementation-Version");
      Path impl = copy(jar, IMPL, dir.resolve("runtime-impl.jar"));
      Path api = copy(jar, API, dir.resolve("plugin-api.jar"));
      return new NestedJars(impl, api, version == null ? "unknown" : version);
    }
  }

  private static Path copy(JarFile jar, String name, Path target) throws IOException {
    JarEntry e = jar.getJarEntry(name);
    if (e == null) throw new IOException("runtime jar lacks " + name + " (a broken build of switchboard-runtime.jar)");
    try (InputStream in = jar.getInputStream(e)) {
      long n = Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      if (n > MAX_NESTED_BYTES) throw new IOException(name + " larger than " + MAX_NESTED_BYTES + " bytes");
    }
    target.toFile().deleteOnExit();
    return target;
  }
}
