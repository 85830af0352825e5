package dev.switchboard.it.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Small file helpers for the directories and configs mounted into containers. */
final class Files2 {
  private Files2() {}

  static Path dir(Path dir, String mode) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode.replace('t', 'x')));
      if (mode.endsWith("t")) {
        new ProcessBuilder("chmod", "1777", dir.toString()).inheritIO().start().waitFor();
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Path write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** A class directory holding just {@code type}'s class file (mounted into the pause container). */
  static Path classDir(Path dir, Class<?> type) {
    String rel = type.getName().replace('.', '/') + ".class";
    try (InputStream in = type.getClassLoader().getResourceAsStream(rel)) {
      if (in == null) throw new IllegalStateException("no class file for " + type.getName());
      Path target = dir.resolve(rel);
      Files.createDirectories(target.getParent());
      Files.write(target, in.readAllBytes());
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + rel + " to " + dir, e);
    }
  }

  /** Deletes a directory tree (files written by containers included, the test runs as root here). */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // a file still held by a container: left for the next run's cleanup
        }
      });
    } catch (IOException e) {
      System.err.println("e2e: cannot delete " + dir + ": " + e);
    }
  }
}
