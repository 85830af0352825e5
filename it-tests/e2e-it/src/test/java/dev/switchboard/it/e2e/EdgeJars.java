package dev.switchboard.it.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Bad plugin jars for scenario 4, all derived from a good plugin jar of the distribution: the same classes under a
 * different plugin id, then damaged in one way each (bytes overwritten, a zip bomb appended, a class file claiming a
 * newer Java, a descriptor whose id holds {@code ..} and {@code /}).
 */
final class EdgeJars {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EdgeJars() {}

  /** The good jar's entries with {@code plugin.json}'s id set to {@code id}: a valid plugin of another name. */
  static byte[] renamed(Path good, String id) {
    return rewrite(good, id, 0, 0, null);
  }

  /** {@link #renamed} with 64 bytes in the middle of the file overwritten: the sha256 is right, the archive is not. */
  static byte[] corrupted(Path good, String id) {
    byte[] b = renamed(good, id);
    int from = b.length / 2 - 32;
    Arrays.fill(b, from, from + 64, (byte) 0x5a);
    return b;
  }

  /** {@link #renamed} plus {@code entries} entries of {@code bytes} zero bytes each (deflated: tiny on disk). */
  static byte[] zipBomb(Path good, String id, int entries, int bytes) {
    return rewrite(good, id, entries, bytes, null);
  }

  /** {@link #renamed} with every class file's major version set to {@code major} (69 = Java 25). */
  static byte[] newerJava(Path good, String id, int major) {
    return rewrite(good, id, 0, 0, major);
  }

  /** The good jar with {@code plugin.json}'s id replaced by {@code rawId} verbatim (e.g. {@code ../x} or {@code a/b}). */
  static byte[] descriptorId(Path good, String rawId) {
    return rewrite(good, rawId, 0, 0, null);
  }

  private static byte[] rewrite(Path good, String id, int bombEntries, int bombBytes, Integer major) {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(good))) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try (ZipOutputStream out = new ZipOutputStream(buf)) {
        for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
          byte[] data = in.readAllBytes();
          if (e.getName().equals("plugin.json")) {
            ObjectNode d = (ObjectNode) JSON.readTree(data);
            d.put("id", id);
            data = JSON.writeValueAsBytes(d);
          } else if (major != null && e.getName().endsWith(".class")) {
            data[6] = (byte) (major >> 8);
            data[7] = (byte) (major & 0xff);
          }
          out.putNextEntry(new ZipEntry(e.getName()));
          out.write(data);
          out.closeEntry();
        }
        byte[] zeros = new byte[bombBytes];
        for (int i = 0; i < bombEntries; i++) {
          out.putNextEntry(new ZipEntry("bomb/" + i + ".bin"));
          out.write(zeros);
          out.closeEntry();
        }
      }
      return buf.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + good, e);
    }
  }

  static String sha256(byte[] b) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
