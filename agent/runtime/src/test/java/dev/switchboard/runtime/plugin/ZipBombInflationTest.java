package dev.switchboard.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zip bomb entry is refused while it inflates, not after the whole entry was buffered in the host's heap (found by
 * the e2e scenario "bad inputs through the stores": a 64 MiB entry of zeros was inflated into memory before the ratio
 * check ran).
 */
class ZipBombInflationTest {
  @TempDir Path dir;

  @Test
  void aBombEntryIsRefusedAfterAFewMibOfInflation() throws Exception {
    Path jar = dir.resolve("bomb.jar");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(buf)) {
      out.putNextEntry(new ZipEntry("plugin.json"));
      out.write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.closeEntry();
      out.putNextEntry(new ZipEntry("bomb/0.bin"));
      out.write(new byte[128 << 20]); // 128 MiB of zeros: below maxTotalBytes (256 MiB), ~128 KiB on disk
      out.closeEntry();
    }
    Files.write(jar, buf.toByteArray());
    assertThat(Files.size(jar)).isLessThan(1 << 20);

    PluginManagerConfig limits = PluginManagerConfig.builder().build();
    assertThatThrownBy(() -> JarImage.read(jar, null, limits))
        .isInstanceOf(PluginRefusedException.class)
        .hasMessageContaining("entry bomb/0.bin inflates ")
        .hasMessageContaining("> limit " + limits.maxEntryRatio() + ")")
        .satisfies(e -> {
          Matcher m = Pattern.compile("to (\\d+) bytes so far").matcher(e.getMessage());
          assertThat(m.find()).as(e.getMessage()).isTrue();
          assertThat(Long.parseLong(m.group(1))).as("bytes inflated before the refusal").isLessThan(8L << 20);
        });
  }

  @Test
  void aWellCompressibleButOrdinaryEntryIsAccepted() throws Exception {
    Path jar = dir.resolve("text.jar");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    StringBuilder text = new StringBuilder();
    java.util.Random r = new java.util.Random(7);
    while (text.length() < (3 << 20)) text.append("line ").append(r.nextInt(100_000)).append(" of a log-like resource\n");
    try (ZipOutputStream out = new ZipOutputStream(buf)) {
      out.putNextEntry(new ZipEntry("data/log.txt"));
      out.write(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.closeEntry();
    }
    Files.write(jar, buf.toByteArray());
    JarImage image = JarImage.read(jar, null, PluginManagerConfig.builder().build());
    assertThat(image).isNotNull();
  }
}
