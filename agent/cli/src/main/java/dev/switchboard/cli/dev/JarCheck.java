package dev.switchboard.cli.dev;

import dev.switchboard.control.ControlCodec;
import dev.switchboard.store.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Checks that a settled file is a complete plugin jar before anything is handed to the runtime: the zip's
 * central directory is readable, every entry inflates with a matching CRC, and {@code plugin.json} names a
 * valid plugin id. A file still being written fails here (no central directory yet, or a truncated entry),
 * so it is never loaded half-written even when its writer pauses for longer than the settle time.
 */
public final class JarCheck {
  /** Largest jar development mode accepts (the runtime's own default limit). */
  public static final long MAX_BYTES = 64L << 20;
  private static final int MAX_DESCRIPTOR_BYTES = 64 * 1024;

  /** What a complete plugin jar declares. */
  public record JarInfo(Path file, String pluginId, String version, String sha256, long size) {}

  private JarCheck() {}

  /**
   * Inspects {@code file}.
   *
   * @throws DevException {@code BAD_JAR} naming the file and the reason
   */
  public static JarInfo inspect(Path file) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw bad(file, "cannot read: " + e.getMessage(), e);
    }
    if (size == 0) throw bad(file, "empty file", null);
    if (size > MAX_BYTES) throw bad(file, size + " bytes is larger than " + MAX_BYTES, null);
    String sha = sha256(file);
    Map<String, Object> descriptor;
    try (ZipFile z = new ZipFile(file.toFile())) {
      descriptor = descriptor(file, z);
      checkEntries(z);
    } catch (ZipException e) {
      throw bad(file, "not a complete zip archive (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw bad(file, "cannot read the archive: " + e.getMessage(), e);
    }
    if (!sha.equals(sha256(file))) throw bad(file, "changed while it was checked", null);
    Object id = descriptor.get("id");
    if (!(id instanceof String) || !Keys.isValidName((String) id)) {
      throw bad(file, "plugin.json 'id' is not a valid plugin id (" + Keys.NAME.pattern() + "): " + id, null);
    }
    Object version = descriptor.get("version");
    return new JarInfo(file, (String) id, version instanceof String ? (String) version : "?", sha, size);
  }

  private static Map<String, Object> descriptor(Path file, ZipFile z) throws IOException {
    ZipEntry e = z.getEntry("plugin.json");
    if (e == null) throw bad(file, "no plugin.json at the root of the jar", null);
    try (InputStream in = z.getInputStream(e)) {
      byte[] b = in.readNBytes(MAX_DESCRIPTOR_BYTES + 1);
      if (b.length > MAX_DESCRIPTOR_BYTES) throw bad(file, "plugin.json is larger than " + MAX_DESCRIPTOR_BYTES + " bytes", null);
      try {
        return ControlCodec.parseObject(new String(b, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException ex) {
        throw bad(file, "plugin.json is not a JSON object: " + ex.getMessage(), ex);
      }
    }
  }

  /** Reads every entry to its end and compares its CRC-32 and size with the central directory's. */
  private static void checkEntries(ZipFile z) throws IOException {
    byte[] buf = new byte[16 * 1024];
    CRC32 crc = new CRC32();
    Enumeration<? extends ZipEntry> entries = z.entries();
    while (entries.hasMoreElements()) {
      ZipEntry e = entries.nextElement();
      if (e.isDirectory()) continue;
      crc.reset();
      long size = 0;
      try (InputStream in = z.getInputStream(e)) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          crc.update(buf, 0, n);
          size += n;
        }
      }
      if (crc.getValue() != e.getCrc() || size != e.getSize()) {
        throw new ZipException("entry " + e.getName() + " is corrupt (CRC-32 or size differ from the archive's directory)");
      }
    }
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) md.update(buf, 0, n);
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw bad(file, "cannot read: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static DevException bad(Path file, String reason, Throwable cause) {
    return new DevException(DevException.Code.BAD_JAR, file.getFileName() + ": " + reason, cause);
  }
}
