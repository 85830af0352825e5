package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostCommandTest {
  @TempDir Path dir;

  private Path jarWith(String descriptor) throws IOException {
    Path jar = dir.resolve("p.jar");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(jar))) {
      if (descriptor != null) {
        z.putNextEntry(new ZipEntry("plugin.json"));
        z.write(descriptor.getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void pluginIdComesFromTheJarDescriptor() throws Exception {
    assertThat(HostActivate.idFromDescriptor(jarWith("{\"id\":\"rate-limit\",\"version\":\"1.0.0\"}"))).isEqualTo("rate-limit");
    assertThatThrownBy(() -> HostActivate.idFromDescriptor(jarWith("{\"id\":\"Bad Name\"}"))).hasMessageContaining("not a valid name");
    assertThatThrownBy(() -> HostActivate.idFromDescriptor(jarWith("{\"id\":"))).hasMessageContaining("malformed JSON");
    assertThatThrownBy(() -> HostActivate.idFromDescriptor(jarWith(null))).hasMessageContaining("no plugin.json");
  }

  @Test
  void sha256OfAFileIsLowercaseHex() throws Exception {
    Path f = dir.resolve("abc");
    Files.writeString(f, "abc");
    assertThat(HostActivate.sha256(f)).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void usageErrorsExitTwoAndOperationFailuresExitOne() throws Exception {
    PrintStream err = System.err;
    PrintStream out = System.out;
    try {
      System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream()));
      System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
      assertThat(Main.run("host", "activate", "--pid", "1")).isEqualTo(Main.EXIT_USAGE); // --jar missing
      assertThat(Main.run("host", "activate", "--pid", "1", "--jar", dir.resolve("none.jar").toString())).isEqualTo(Main.EXIT_USAGE);
      assertThat(Main.run("host", "status", "--pid", "x")).isEqualTo(Main.EXIT_USAGE);
      Path jar = jarWith("{\"id\":\"p\"}");
      assertThat(Main.run("host", "activate", "--pid", "1", "--jar", jar.toString(), "--config", "[1]")).isEqualTo(Main.EXIT_USAGE);
      long gone = ProcessHandle.current().pid() + 4_000_000L;
      assertThat(Main.run("host", "status", "--pid", Long.toString(gone), "--control-dir", dir.toString())).isEqualTo(Main.EXIT_FAILED);
      assertThat(Main.run("host", "deactivate", "--pid", Long.toString(gone), "--plugin", "p", "--control-dir", dir.toString()))
          .isEqualTo(Main.EXIT_FAILED);
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
  }
}
