package dev.switchboard.runtime.plugin;

import dev.switchboard.control.Sha256;
import dev.switchboard.runtime.plugin.PluginRefusedException.Code;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * A plugin jar read completely into memory: the file is opened once, hashed, and closed before
 * any class is defined, so no file handle stays open and the jar can be deleted or replaced at
 * any time. Archive limits are enforced on the bytes actually inflated, never on header sizes.
 */
final class JarImage {
  private static final int MIB = 1 << 20;
  /** Bytes ZipInputStream may have read ahead of the inflater (its pushback and input buffers). */
  private static final int READ_AHEAD = 1024;

  /** The jar's bytes as a stream that tells how far it has been read. */
  private static final class Counting extends ByteArrayInputStream {
    Counting(byte[] b) {
      super(b);
    }

    synchronized int position() {
      return pos;
    }
  }

  private final String sha256;
  private final Map<String, byte[]> entries;
  private final long totalBytes;

  private JarImage(String sha256, Map<String, byte[]> entries, long totalBytes) {
    this.sha256 = sha256;
    this.entries = entries;
    this.totalBytes = totalBytes;
  }

  /** Reads and checks {@code jar}: size, sha256 (when {@code expectedSha256} is not null), limits. */
  static JarImage read(Path jar, String expectedSha256, PluginManagerConfig limits) {
    byte[] bytes;
    try {
      long size = Files.size(jar);
      if (size > limits.maxJarBytes()) {
        throw new PluginRefusedException(Code.ARCHIVE, "jar is " + size + " bytes > limit " + limits.maxJarBytes());
      }
      bytes = Files.readAllBytes(jar);
    } catch (NoSuchFileException e) {
      throw new PluginRefusedException(Code.ARCHIVE, "jar not found: " + jar);
    } catch (IOException e) {
      throw new PluginRefusedException(Code.ARCHIVE, "cannot read jar " + jar + ": " + e);
    }
    String actual = sha256(bytes);
    if (expectedSha256 != null && !actual.equalsIgnoreCase(expectedSha256.trim())) {
      throw new PluginRefusedException(Code.SHA256, "mismatch: expected " + expectedSha256 + ", jar " + jar + " has " + actual);
    }
    return parse(actual, bytes, limits);
  }

  static String sha256(byte[] bytes) {
    return Sha256.of(bytes);
  }

  private static JarImage parse(String sha, byte[] bytes, PluginManagerConfig limits) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    long total = 0;
    int count = 0;
    byte[] buf = new byte[16 * 1024];
    Counting raw = new Counting(bytes);
    try (ZipInputStream zin = new ZipInputStream(raw)) {
      ZipEntry e;
      while ((e = zin.getNextEntry()) != null) {
        int entryStart = raw.position();
        count++;
        if (count > limits.maxEntries()) {
          throw new PluginRefusedException(Code.ARCHIVE, "more than " + limits.maxEntries() + " entries (limit " + limits.maxEntries() + ")");
        }
        String name = e.getName();
        if (entries.containsKey(name)) {
          throw new PluginRefusedException(Code.ARCHIVE, "duplicate entry " + name);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(e.isDirectory() ? 0 : 256);
        long entryBytes = 0;
        int n;
        while ((n = zin.read(buf)) > 0) {
          entryBytes += n;
          total += n;
          if (total > limits.maxTotalBytes()) {
            throw new PluginRefusedException(Code.ARCHIVE,
                "uncompressed size exceeds limit " + limits.maxTotalBytes() + " bytes (at entry " + name + ")");
          }
          // the ratio while inflating (compressed bytes consumed so far, read-ahead counted generously), so a bomb
          // entry is refused after a few MiB, not after buffering all of it in the host's heap
          if (entryBytes > MIB) {
            long consumed = Math.max(0, raw.position() - entryStart) + READ_AHEAD;
            if (entryBytes / consumed > limits.maxEntryRatio()) {
              throw new PluginRefusedException(Code.ARCHIVE, "entry " + name + " inflates " + consumed + " to " + entryBytes
                  + " bytes so far (ratio " + entryBytes / consumed + " > limit " + limits.maxEntryRatio() + ")");
            }
          }
          if (!e.isDirectory()) {
            out.write(buf, 0, n);
          }
        }
        zin.closeEntry();
        long compressed = e.getCompressedSize();
        if (entryBytes > MIB && compressed > 0 && entryBytes / compressed > limits.maxEntryRatio()) {
          throw new PluginRefusedException(Code.ARCHIVE, "entry " + name + " inflates " + compressed + " to " + entryBytes
              + " bytes (ratio " + entryBytes / compressed + " > limit " + limits.maxEntryRatio() + ")");
        }
        if (!e.isDirectory()) {
          entries.put(name, out.toByteArray());
        }
      }
    } catch (ZipException ex) {
      throw new PluginRefusedException(Code.ARCHIVE, "not a valid jar: " + ex.getMessage());
    } catch (IOException ex) {
      throw new PluginRefusedException(Code.ARCHIVE, "cannot read jar: " + ex);
    }
    if (count == 0) {
      throw new PluginRefusedException(Code.ARCHIVE, "not a jar (no entries)");
    }
    return new JarImage(sha, Collections.unmodifiableMap(entries), total);
  }

  String sha256() {
    return sha256;
  }

  Map<String, byte[]> entries() {
    return entries;
  }

  byte[] entry(String name) {
    return entries.get(name);
  }

  long totalBytes() {
    return totalBytes;
  }

  InputStream open(String name) {
    byte[] b = entries.get(name);
    return b == null ? null : new ByteArrayInputStream(b);
  }
}
