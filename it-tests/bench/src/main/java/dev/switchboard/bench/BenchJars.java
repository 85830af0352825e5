package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Generated plugin jars: a real plugin (its classes unchanged) with another {@code id}/{@code version}
 * in {@code plugin.json}, optionally padded with a stored (uncompressed) resource of random bytes so
 * the jar has a given size and the runtime has to read all of it.
 */
final class BenchJars {
  static final String PADDING_ENTRY = "bench/padding.bin";
  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchJars() {}

  /**
   * Writes {@code out}: every entry of {@code source} (plugin.json with {@code id}/{@code version}
   * replaced) plus {@code padBytes} random stored bytes from {@code seed} (none when 0).
   */
  static Path variant(Path source, Path out, String id, String version, long padBytes, long seed) throws IOException {
    if (padBytes < 0) throw new IllegalArgumentException("padBytes < 0: " + padBytes);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    boolean sawDescriptor = false;
    try (ZipFile src = new ZipFile(source.toFile()); ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
      for (Enumeration<? extends ZipEntry> en = src.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        byte[] data = src.getInputStream(e).readAllBytes();
        if (e.getName().equals("plugin.json")) {
          ObjectNode d = (ObjectNode) JSON.readTree(data);
          d.put("id", id);
          d.put("version", version);
          data = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(d);
          sawDescriptor = true;
        }
        zip.putNextEntry(new ZipEntry(e.getName()));
        zip.write(data);
        zip.closeEntry();
      }
      if (!sawDescriptor) throw new IllegalArgumentException("no plugin.json in " + source);
      if (padBytes > 0) storeRandom(zip, padBytes, seed);
    }
    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return out;
  }

  private static void storeRandom(ZipOutputStream zip, long size, long seed) throws IOException {
    Random rnd = new Random(seed);
    CRC32 crc = new CRC32();
    byte[] buf = new byte[64 * 1024];
    for (long left = size; left > 0; left -= buf.length) { // first pass: CRC (STORED needs it up front)
      rnd.nextBytes(buf);
      crc.update(buf, 0, (int) Math.min(buf.length, left));
    }
    ZipEntry pad = new ZipEntry(PADDING_ENTRY);
    pad.setMethod(ZipEntry.STORED);
    pad.setSize(size);
    pad.setCompressedSize(size);
    pad.setCrc(crc.getValue());
    zip.putNextEntry(pad);
    rnd = new Random(seed);
    OutputStream o = zip;
    for (long left = size; left > 0; left -= buf.length) {
      rnd.nextBytes(buf);
      o.write(buf, 0, (int) Math.min(buf.length, left));
    }
    zip.closeEntry();
  }

  /** The {@code artifact} key's value for {@code jar} served at {@code url}. */
  static String artifact(String url, Path jar, String version) {
    return "{\"url\":\"" + url + "\",\"sha256\":\"" + BenchDist.sha256(jar) + "\",\"version\":\"" + version + "\"}";
  }
}
