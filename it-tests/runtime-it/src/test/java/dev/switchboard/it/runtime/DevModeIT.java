package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Dist;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code switchboard dev --pid N --dir DIR} (the real CLI jar) against a real sample host (JDK 17): jars written
 * slowly, replaced in place, broken, configured and deleted. The tests build on each other (one host, one
 * directory, one dev process), in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevModeIT {
  static final String HEADER = "X-Switchboard-Plugin";
  static final int SETTLE_MS = 300;
  static Path controlDir;
  static Path dir;
  static HostProcess host;
  static HostProcess dev;
  static HostCli cli;
  static Path jar;

  @BeforeAll
  static void start() throws Exception {
    controlDir = Files.createTempDirectory("sb-dev-ctl-");
    dir = Files.createTempDirectory("sb-dev-dir-");
    jar = dir.resolve("response-header.jar");
    host = HostProcess.sampleHost(Jdks.java17());
    cli = new HostCli(controlDir, host.pid());
    dev = HostProcess.cli("watching", "dev", "--pid", Long.toString(host.pid()), "--dir", dir.toString(),
        "--control-dir", controlDir.toString(), "--settle", Integer.toString(SETTLE_MS));
  }

  @AfterAll
  static void stop() throws Exception {
    if (dev != null) dev.close();
    if (host != null) host.close();
    for (Path d : new Path[] {controlDir, dir}) {
      if (d == null) continue;
      try (var s = Files.list(d)) {
        s.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(d);
    }
  }

  static String served() {
    return Http.header(Http.get(host.port), HEADER);
  }

  static long count(Predicate<String> p) {
    return dev.lines.stream().filter(p).count();
  }

  /** Writes {@code bytes} into {@code target} in place, in {@code chunks} pieces with {@code pauseMs} between them. */
  static void writeSlowly(Path target, byte[] bytes, int chunks, long pauseMs, Runnable betweenChunks) throws IOException {
    int step = (bytes.length + chunks - 1) / chunks;
    try (OutputStream out = Files.newOutputStream(target)) {
      for (int off = 0; off < bytes.length; off += step) {
        out.write(bytes, off, Math.min(step, bytes.length - off));
        out.flush();
        if (off + step < bytes.length) {
          HostProcess.sleep(pauseMs); // the writer's pace, not a wait for the system under test
          betweenChunks.run();
        }
      }
    }
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static Map<String, Object> status() {
    return HostCli.plugins(cli.statusJson()).get("response-header");
  }

  @Test
  @Order(1)
  void aJarWrittenSlowlyInChunksIsActivatedOnlyOnceComplete() throws Exception {
    byte[] v1 = Files.readAllBytes(Dist.plugin("response-header", "1.0.0"));
    int[] chunk = {0};
    // 12 chunks 100 ms apart (inside the settle time), and one pause of 3 settle times in the middle: the file
    // settles half-written there and must be refused as incomplete, never handed to the runtime.
    writeSlowly(jar, v1, 12, 100, () -> {
      if (++chunk[0] == 6) {
        dev.await(l -> l.contains("refused response-header.jar: not a complete zip archive"), 30);
      }
      assertThat(count(l -> l.startsWith("activating"))).as("activation of a half-written jar").isZero();
    });
    dev.await(l -> l.startsWith("response-header ACTIVE 1.0.0"), 30);
    assertThat(count(l -> l.startsWith("activating response-header 1.0.0 from response-header.jar"))).isEqualTo(1);
    assertThat(served()).isEqualTo("response-header/1.0.0");
    assertThat(status()).containsEntry("state", "ACTIVE").containsEntry("sha256", sha256(v1));
  }

  @Test
  @Order(2)
  void aJarOverwrittenInPlaceUpgradesWhileTheOldVersionServesDuringTheWrite() throws Exception {
    byte[] v2 = Files.readAllBytes(Dist.plugin("response-header", "2.0.0"));
    writeSlowly(jar, v2, 8, 100, () -> assertThat(served()).isEqualTo("response-header/1.0.0"));
    dev.await(l -> l.startsWith("response-header ACTIVE 2.0.0"), 30);
    assertThat(served()).isEqualTo("response-header/2.0.0");
    assertThat(status()).containsEntry("sha256", sha256(v2));
  }

  @Test
  @Order(3)
  void aBadJarIsReportedAndThePreviousVersionKeepsRunning() throws Exception {
    Path tmp = dir.resolve(".incoming.jar");
    Files.write(tmp, "this is not a jar".getBytes(StandardCharsets.UTF_8));
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    dev.await(l -> l.contains("refused response-header.jar: not a complete zip archive")
        && l.contains("response-header keeps its previous version 2.0.0"), 30);
    assertThat(served()).isEqualTo("response-header/2.0.0");

    // a complete jar the runtime refuses (its API range excludes the runtime's) before any of its code runs
    Files.write(tmp, withDescriptor(Dist.plugin("response-header", "2.0.0"), "\"api\": \"[1.0,2.0)\"", "\"api\": \"[9.0,10.0)\"",
        "\"version\": \"2.0.0\"", "\"version\": \"3.0.0-bad\""));
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    String refused = dev.await(l -> l.contains("response-header 3.0.0-bad from response-header.jar refused:"), 30);
    assertThat(refused).contains("[9.0,10.0)").endsWith("the previous version keeps running");
    assertThat(served()).isEqualTo("response-header/2.0.0");
    assertThat(status()).containsEntry("state", "ACTIVE").containsEntry("version", "2.0.0");
  }

  @Test
  @Order(4)
  void theConfigBesideTheJarIsAppliedAndABrokenOneKeepsTheRunningConfig() throws Exception {
    Files.copy(Dist.plugin("response-header", "2.0.0"), dir.resolve(".incoming.jar"), StandardCopyOption.REPLACE_EXISTING);
    Files.move(dir.resolve(".incoming.jar"), jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.writeString(dir.resolve("response-header.json"), "{\"header\": \"X-Dev\"}");
    awaitTrue(() -> "response-header/2.0.0".equals(Http.header(Http.get(host.port), "X-Dev")), "the X-Dev header from the config");
    assertThat(served()).isNull();

    Files.writeString(dir.resolve("response-header.json"), "{\"header\": ");
    dev.await(l -> l.contains("refused config response-header.json") && l.contains("keeps its running config"), 30);
    assertThat(Http.header(Http.get(host.port), "X-Dev")).isEqualTo("response-header/2.0.0");
    Files.delete(dir.resolve("response-header.json"));
    awaitTrue(() -> "response-header/2.0.0".equals(served()), "the default header again once the config is gone");
  }

  @Test
  @Order(5)
  void aDeletedJarDeactivatesThePlugin() throws Exception {
    Files.delete(jar);
    dev.await(l -> l.startsWith("response-header INACTIVE 2.0.0"), 30);
    assertThat(served()).isNull();
    assertThat(status()).containsEntry("state", "INACTIVE");
    assertThat(dev.process.isAlive()).isTrue();
  }

  /** A copy of {@code jar} whose plugin.json has each {@code from} replaced by the following {@code to}. */
  static byte[] withDescriptor(Path jar, String... fromTo) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar)); ZipOutputStream out = new ZipOutputStream(b)) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        byte[] data = in.readAllBytes();
        if (e.getName().equals("plugin.json")) {
          String text = new String(data, StandardCharsets.UTF_8);
          for (int i = 0; i < fromTo.length; i += 2) {
            assertThat(text).contains(fromTo[i]);
            text = text.replace(fromTo[i], fromTo[i + 1]);
          }
          data = text.getBytes(StandardCharsets.UTF_8);
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(data);
        out.closeEntry();
      }
    }
    return b.toByteArray();
  }

  static void awaitTrue(java.util.function.BooleanSupplier c, String what) {
    long end = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < end) {
      if (c.getAsBoolean()) return;
      HostProcess.sleep(50);
    }
    throw new AssertionError("not within 30 s: " + what + "; dev output:\n" + dev.output());
  }
}
