package dev.switchboard.control.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** The files of the control directory: creation with private modes, token generation and reading. */
public final class ControlFiles {
  private ControlFiles() {}

  /** A fresh token: 32 random bytes as 64 lowercase hex chars. */
  public static String newToken() {
    return hex(randomBytes(Protocol.TOKEN_HEX_LENGTH / 2));
  }

  /**
   * {@code n} bytes of the kernel's random generator: {@code /dev/urandom} read directly (the source
   * {@code SecureRandom}'s default NativePRNG reads on Linux), which spares a freshly attached host
   * JVM the set-up of the security providers (20–80 ms when nothing used them yet); {@code
   * SecureRandom} where {@code /dev/urandom} cannot be read.
   */
  static byte[] randomBytes(int n) {
    try (java.io.InputStream in = new java.io.FileInputStream("/dev/urandom")) {
      byte[] b = in.readNBytes(n);
      if (b.length == n) return b;
    } catch (IOException | SecurityException e) {
      dev.switchboard.control.server.Logs.get("dev.switchboard.control").log(System.Logger.Level.DEBUG, "/dev/urandom not readable (" + e + "); using SecureRandom");
    }
    byte[] b = new byte[n];
    Fallback.RANDOM.nextBytes(b);
    return b;
  }

  private static final class Fallback {
    static final SecureRandom RANDOM = new SecureRandom();
  }

  public static String hex(byte[] b) {
    return dev.switchboard.control.Sha256.hex(b);
  }


  /** Creates the directory (mode 0700) if missing; refuses a path that exists and is not a directory. */
  public static void ensureDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(dir)) {
      try {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> p = Files.getPosixFilePermissions(dir);
        if (p.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)
            || p.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)) {
          dev.switchboard.control.server.Logs.get("dev.switchboard.control").log(System.Logger.Level.WARNING,
              "switchboard control dir " + dir + " is writable by other users (" + PosixFilePermissions.toString(p)
                  + "); use a directory only the host's user (and the sidecar) can write, e.g. mode 0700");
        }
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: nothing to check
      }
      return;
    }
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) throw new IOException("control dir exists and is not a directory: " + dir);
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  /** Writes {@code text} to {@code file} atomically, the file created with mode 0600 before any byte is written. */
  public static void writePrivate(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(tmp, text.getBytes(StandardCharsets.US_ASCII));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads and validates a token file; null when it does not exist. */
  public static String readToken(Path file) throws IOException {
    if (!Files.exists(file)) return null;
    if (Files.size(file) > 1024) throw new IOException("token file larger than 1 KiB: " + file);
    String t = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
    if (!Protocol.isToken(t)) throw new IOException("token file does not hold 64 lowercase hex chars: " + file);
    return t;
  }

  /** Deletes the token file only if it still holds {@code token} (a newer runtime may own it). */
  public static void deleteIfOurs(Path file, String token) throws IOException {
    String current;
    try {
      current = readToken(file);
    } catch (IOException e) {
      return;
    }
    if (token.equals(current)) Files.deleteIfExists(file);
  }
}
