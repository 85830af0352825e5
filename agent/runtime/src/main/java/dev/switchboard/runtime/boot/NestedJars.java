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

  /** After a detach: deletes the runtime jar, and the plugin API jar and the directory unless {@code keepApi}. */
  void deleteAfterDetach(boolean keepApi) {
    try {
      Files.deleteIfExists(runtimeImpl);
      if (!keepApi) {
        Files.deleteIfExists(pluginApi);
        Files.deleteIfExists(runtimeImpl.getParent());
      }
    } catch (IOException e) {
      Boot.log("detach: could not delete " + runtimeImpl.getParent() + ": " + e);
    }
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
    Path dir = privateDirectory();
    dir.toFile().deleteOnExit();
    try (JarFile jar = new JarFile(outer.toFile())) {
      String version = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Implementation-Version");
      Path impl = copy(jar, IMPL, dir.resolve("runtime-impl.jar"));
      Path api = copy(jar, API, dir.resolve("plugin-api.jar"));
      return new NestedJars(impl, api, version == null ? "unknown" : version);
    }
  }

  /**
   * A new directory (mode 0700) in {@code java.io.tmpdir}, named with random bytes read from {@code
   * /dev/urandom}: {@code Files.createTempDirectory} would set up {@code SecureRandom} (the security
   * providers, 20–80 ms in a host that never used them) during the attach. Creation is exclusive, so
   * a name taken meanwhile (by anyone) is never used: another name is drawn.
   */
  private static Path privateDirectory() throws IOException {
    Path base = Path.of(System.getProperty("java.io.tmpdir"));
    java.nio.file.attribute.FileAttribute<?> mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    for (int attempt = 0; ; attempt++) {
      Path dir = base.resolve("switchboard-runtime-" + ProcessHandle.current().pid() + "-" + randomHex());
      try {
        return Files.createDirectory(dir, mode);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (attempt >= 10) throw e;
      }
    }
  }

  private static String randomHex() throws IOException {
    byte[] b;
    try (InputStream in = new java.io.FileInputStream("/dev/urandom")) {
      b = in.readNBytes(8);
    } catch (IOException | SecurityException e) {
      b = new byte[8];
      new java.security.SecureRandom().nextBytes(b);
    }
    if (b.length != 8) throw new IOException("short read from /dev/urandom: " + b.length + " bytes");
    StringBuilder sb = new StringBuilder(16);
    for (byte x : b) sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    return sb.toString();
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
