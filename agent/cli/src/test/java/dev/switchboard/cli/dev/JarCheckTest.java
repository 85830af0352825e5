package dev.switchboard.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarCheckTest {
  @TempDir Path dir;

  static byte[] jar(String descriptor, int payloadBytes) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(b)) {
      z.putNextEntry(new ZipEntry("plugin.json"));
      z.write(descriptor.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
      z.putNextEntry(new ZipEntry("data.bin"));
      byte[] payload = new byte[payloadBytes];
      new java.util.Random(7).nextBytes(payload);
      z.write(payload);
      z.closeEntry();
    }
    return b.toByteArray();
  }

  @Test
  void aCompleteJarGivesItsIdVersionAndSha256() throws IOException {
    Path f = Files.write(dir.resolve("a.jar"), jar("{\"id\":\"hello\",\"version\":\"1.2.3\"}", 10_000));
    JarCheck.JarInfo info = JarCheck.inspect(f);
    assertThat(info.pluginId()).isEqualTo("hello");
    assertThat(info.version()).isEqualTo("1.2.3");
    assertThat(info.sha256()).hasSize(64).isEqualTo(JarCheck.sha256(f));
    assertThat(info.size()).isEqualTo(Files.size(f));
  }

  @Test
  void everyPrefixOfAJarIsRefusedAsIncomplete() throws IOException {
    byte[] whole = jar("{\"id\":\"hello\",\"version\":\"1\"}", 20_000);
    for (int n = 1; n < whole.length; n += Math.max(1, whole.length / 40)) {
      Path f = Files.write(dir.resolve("p.jar"), Arrays.copyOf(whole, n));
      assertThatThrownBy(() -> JarCheck.inspect(f)).as("prefix of %d of %d bytes", n, whole.length)
          .isInstanceOfSatisfying(DevException.class, e -> assertThat(e.code()).isEqualTo(DevException.Code.BAD_JAR))
          .hasMessageStartingWith("p.jar: ");
    }
  }

  @Test
  void aCorruptedEntryIsRefusedEvenWhenTheCentralDirectoryIsIntact() throws IOException {
    byte[] whole = jar("{\"id\":\"hello\",\"version\":\"1\"}", 20_000);
    byte[] broken = whole.clone();
    broken[whole.length / 2] ^= 0x5a; // inside data.bin's compressed bytes
    Path f = Files.write(dir.resolve("c.jar"), broken);
    assertThatThrownBy(() -> JarCheck.inspect(f)).isInstanceOf(DevException.class).hasMessageContaining("c.jar");
  }

  @Test
  void aJarWithoutAValidIdIsRefusedNamingTheValue() throws IOException {
    Path f = Files.write(dir.resolve("x.jar"), jar("{\"id\":\"Not Valid\"}", 10));
    assertThatThrownBy(() -> JarCheck.inspect(f)).hasMessageContaining("x.jar").hasMessageContaining("Not Valid");
    Path g = Files.write(dir.resolve("y.jar"), "not a zip at all".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> JarCheck.inspect(g)).hasMessageContaining("y.jar: not a complete zip archive");
  }
}
