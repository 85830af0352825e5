package dev.switchboard.sidecar.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.sidecar.desired.ArtifactRef;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactCacheTest {
  @TempDir Path tmp;
  HttpServer server;
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger failuresLeft = new AtomicInteger();
  final AtomicInteger truncateLeft = new AtomicInteger();
  volatile CountDownLatch gate = new CountDownLatch(0);
  byte[] jar;
  String sha;

  @BeforeEach
  void start() throws Exception {
    jar = new byte[300_000];
    new Random(42).nextBytes(jar);
    sha = hex(jar);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext("/p.jar", ex -> {
      requests.incrementAndGet();
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (failuresLeft.getAndDecrement() > 0) {
        ex.sendResponseHeaders(503, -1);
        ex.close();
        return;
      }
      ex.sendResponseHeaders(200, jar.length);
      try (OutputStream out = ex.getResponseBody()) {
        if (truncateLeft.getAndDecrement() > 0) {
          out.write(jar, 0, jar.length / 2);
          out.flush();
          ex.getHttpContext().getServer(); // keep reference
          throw new IOException("simulated crash mid-download");
        }
        out.write(jar);
      }
    });
    server.createContext("/missing.jar", ex -> {
      requests.incrementAndGet();
      ex.sendResponseHeaders(404, -1);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  ArtifactCache cache(long maxBytes) {
    return ArtifactCache.builder()
        .cacheDir(tmp.resolve("cache"))
        .maxBytes(maxBytes)
        .retries(3, Duration.ofMillis(20), Duration.ofMillis(100))
        .progressEveryBytes(100_000)
        .build();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Test
  void httpFetchIsVerifiedCachedUnderItsShaAndNeverFetchedTwice() {
    try (ArtifactCache c = cache(1_000_000)) {
      Path p = c.fetch(new ArtifactRef(url("/p.jar"), sha, "1")).join();
      assertThat(p).isEqualTo(tmp.resolve("cache/sha256/" + sha + ".jar"));
      assertThat(p).hasBinaryContent(jar);
      Path again = c.fetch(new ArtifactRef(url("/p.jar"), sha, "1")).join();
      assertThat(again).isEqualTo(p);
      assertThat(requests.get()).isEqualTo(1);
      assertThat(c.transfers()).isEqualTo(1);
    }
    // a new cache instance over the same directory (sidecar restart) uses the verified file
    try (ArtifactCache c = cache(1_000_000)) {
      assertThat(c.fetch(new ArtifactRef(url("/p.jar"), sha, "1")).join()).hasBinaryContent(jar);
      assertThat(requests.get()).isEqualTo(1);
    }
  }

  @Test
  void concurrentFetchesOfOneShaShareOneTransfer() throws Exception {
    gate = new CountDownLatch(1);
    try (ArtifactCache c = cache(1_000_000)) {
      List<CompletableFuture<Path>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) fs.add(c.fetch(new ArtifactRef(url("/p.jar"), sha, "1")));
      Thread.sleep(200);
      gate.countDown();
      for (CompletableFuture<Path> f : fs) assertThat(f.get(10, TimeUnit.SECONDS)).hasBinaryContent(jar);
      assertThat(requests.get()).isEqualTo(1);
    }
  }

  @Test
  void shaMismatchNeverLeavesAFileInTheCache() {
    String wrong = "0".repeat(64);
    try (ArtifactCache c = cache(1_000_000)) {
      assertThatThrownBy(() -> c.fetch(new ArtifactRef(url("/p.jar"), wrong, "1")).join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(ArtifactException.class)
          .hasMessageContaining("sha256 mismatch")
          .hasMessageContaining(wrong);
      assertThat(requests.get()).isEqualTo(1); // not retried
      assertThat(cacheFiles()).isEmpty();
    }
  }

  @Test
  void transientFailuresAreRetriedWithBackoff() {
    failuresLeft.set(2);
    try (ArtifactCache c = cache(1_000_000)) {
      assertThat(c.fetch(new ArtifactRef(url("/p.jar"), sha, "1")).join()).hasBinaryContent(jar);
      assertThat(requests.get()).isEqualTo(3);
    }
  }

  @Test
  void aCrashMidDownloadLeavesNoHalfFileAndTheRetrySucceeds() {
    truncateLeft.set(1);
    try (ArtifactCache c = cache(1_000_000)) {
      assertThat(c.fetch(new ArtifactRef(url("/p.jar"), sha, "1")).join()).hasBinaryContent(jar);
      assertThat(requests.get()).isEqualTo(2);
      assertThat(cacheFiles()).containsExactly(sha + ".jar");
    }
  }

  @Test
  void sizeBoundIsEnforced() {
    try (ArtifactCache c = cache(100_000)) {
      assertThatThrownBy(() -> c.fetch(new ArtifactRef(url("/p.jar"), sha, "1")).join())
          .hasCauseInstanceOf(ArtifactException.class)
          .hasMessageContaining("TOO_LARGE");
      assertThat(cacheFiles()).isEmpty();
    }
  }

  @Test
  void notFoundIsReportedWithoutRetrying() {
    try (ArtifactCache c = cache(1_000_000)) {
      assertThatThrownBy(() -> c.fetch(new ArtifactRef(url("/missing.jar"), sha, "1")).join())
          .hasMessageContaining("NOT_FOUND").hasMessageContaining("404");
      assertThat(requests.get()).isEqualTo(1);
    }
  }

  @Test
  void fileUrlsAreCopiedIntoTheCacheAndVerified() throws Exception {
    Path src = tmp.resolve("src.jar");
    Files.write(src, jar);
    try (ArtifactCache c = cache(1_000_000)) {
      Path p = c.fetch(new ArtifactRef(src.toUri().toString(), sha, null)).join();
      assertThat(p).hasBinaryContent(jar).isNotEqualTo(src);
      assertThatThrownBy(() -> c.fetch(new ArtifactRef(tmp.resolve("nope.jar").toUri().toString(), "1".repeat(64), null)).join())
          .hasMessageContaining("no such file");
    }
  }

  @Test
  void aCorruptedCacheEntryIsReplacedAndStaleTempsAreRemovedAtStart() throws Exception {
    Path dir = tmp.resolve("cache/sha256");
    Files.createDirectories(dir);
    Files.write(dir.resolve(sha + ".jar"), new byte[] {1, 2, 3});
    Path stale = dir.resolve("." + sha + ".123.tmp");
    Files.write(stale, new byte[] {9});
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    try (ArtifactCache c = cache(1_000_000)) {
      assertThat(stale).doesNotExist();
      assertThat(c.fetch(new ArtifactRef(url("/p.jar"), sha, "1")).join()).hasBinaryContent(jar);
      assertThat(requests.get()).isEqualTo(1);
    }
  }

  List<String> cacheFiles() {
    try (Stream<Path> s = Files.list(tmp.resolve("cache/sha256"))) {
      return s.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  static String hex(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
