package dev.switchboard.it.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * A private, verified copy of {@code dist/} taken once per test JVM: concurrent builds rewrite {@code dist/} in
 * place, so neither the image build context nor the plugin jars nor {@code switchboard ctl} ever read it directly.
 */
final class DistCopy {
  private static final String[] TOP = {"switchboard.jar", "switchboard-runtime.jar", "sample-host.jar", "spring-boot-host.jar"};
  private static volatile DistCopy instance;

  private final Path dir;

  private DistCopy(Path dir) {
    this.dir = dir;
  }

  static DistCopy get() {
    DistCopy d = instance;
    if (d != null) return d;
    synchronized (DistCopy.class) {
      if (instance == null) instance = take();
      return instance;
    }
  }

  /** The copy's root (holds switchboard.jar, switchboard-runtime.jar, sample-host.jar, spring-boot-host.jar, plugins/). */
  Path dir() {
    return dir;
  }

  Path file(String relative) {
    Path p = dir.resolve(relative);
    if (!Files.isRegularFile(p)) throw new IllegalStateException("no " + relative + " in the dist copy " + dir);
    return p;
  }

  Path plugin(String id, String version) {
    return file("plugins/" + id + "-" + version + ".jar");
  }

  private static DistCopy take() {
    Path src = E2eSettings.dist();
    Path dst = Path.of("target", "e2e", "dist-" + ProcessHandle.current().pid()).toAbsolutePath();
    try {
      Files.createDirectories(dst.resolve("plugins"));
      for (String f : TOP) copyVerified(src.resolve(f), dst.resolve(f));
      try (Stream<Path> s = Files.list(src.resolve("plugins"))) {
        for (Path p : s.filter(p -> p.toString().endsWith(".jar")).toList()) copyVerified(p, dst.resolve("plugins").resolve(p.getFileName()));
      }
      return new DistCopy(dst);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + src + " to " + dst, e);
    }
  }

  private static void copyVerified(Path from, Path to) throws IOException {
    if (!Files.isRegularFile(from)) throw new IllegalStateException(from + " is missing: build the project first (mvn -B -o -DskipTests install)");
    for (int attempt = 1; ; attempt++) {
      Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
      Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
      try (ZipFile z = new ZipFile(tmp.toFile())) {
        z.stream().forEach(e -> { });
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return;
      } catch (IOException e) {
        if (attempt >= 10) throw new IOException(from + " is not a complete jar after 10 attempts", e);
        sleep(3000); // a build is rewriting dist/: try again
      }
    }
  }

  static String sha256(Path file) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(List<byte[]> parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        md.update(p);
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
