package dev.switchboard.sidecar.artifact;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.switchboard.control.Sha256;
import dev.switchboard.sidecar.desired.ArtifactRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class ArtifactCacheImpl implements ArtifactCache {
  private static final Logger LOG = LoggerFactory.getLogger(ArtifactCache.class);
  private static final String TMP_SUFFIX = ".tmp";

  private final Path dir;
  private final long maxBytes;
  private final long progressEvery;
  private final ScheduledExecutorService executor;
  /**
   * Built at the first http(s) fetch: building one loads the TLS stack and the default trust store
   * (~400 classes, 4-5 MB of the sidecar's RSS), which a sidecar fetching from {@code file:} URLs or
   * starting with a warm cache never needs.
   */
  private volatile HttpClient http; // guarded by httpLock for writes
  private final Object httpLock = new Object();
  private final java.time.Duration requestTimeout;
  private final RetryPolicy<Path> retry;
  private final ConcurrentHashMap<String, CompletableFuture<Path>> inFlight = new ConcurrentHashMap<>();
  /** Cached files hashed by this process already. */
  private final Set<String> verified = ConcurrentHashMap.newKeySet();
  private final AtomicLong transfers = new AtomicLong();

  ArtifactCacheImpl(ArtifactCache.Builder b) {
    this.dir = b.cacheDir.resolve("sha256");
    this.maxBytes = b.maxBytes;
    this.progressEvery = b.progressEveryBytes;
    this.requestTimeout = b.requestTimeout;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ArtifactException(ArtifactException.Code.IO, "cannot create cache directory " + dir + ": " + e, e);
    }
    cleanStaleTemps(b.staleTempAge);
    this.executor = Executors.newScheduledThreadPool(4, r -> {
      Thread t = new Thread(r, "switchboard-artifact-fetch");
      t.setDaemon(true);
      return t;
    });
    this.retry = RetryPolicy.<Path>builder()
        .handleIf(t -> t instanceof ArtifactException a && a.retryable())
        .withBackoff(b.initialBackoff, b.maxBackoff)
        .withMaxAttempts(b.maxAttempts)
        .onRetry(e -> LOG.warn("artifact fetch attempt {} failed, retrying: {}", e.getAttemptCount(), e.getLastException().getMessage()))
        .build();
  }

  private void cleanStaleTemps(java.time.Duration age) {
    Instant limit = Instant.now().minus(age);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + TMP_SUFFIX)) {
      for (Path f : files) {
        FileTime t = Files.getLastModifiedTime(f);
        if (t.toInstant().isBefore(limit)) {
          Files.deleteIfExists(f);
          LOG.info("removed stale partial download {}", f);
        }
      }
    } catch (IOException e) {
      LOG.warn("could not clean stale temporary files in {}: {}", dir, e.toString());
    }
  }

  @Override
  public Path pathOf(String sha256) {
    if (!Sha256.isHex(sha256)) throw new IllegalArgumentException("sha256 not 64 lowercase hex: " + sha256);
    return dir.resolve(sha256 + ".jar");
  }

  @Override
  public long transfers() {
    return transfers.get();
  }

  @Override
  public CompletableFuture<Path> fetch(ArtifactRef artifact) {
    String sha = artifact.sha256();
    Path target = pathOf(sha);
    if (verified.contains(sha) && Files.isRegularFile(target)) return CompletableFuture.completedFuture(target);
    CompletableFuture<Path> mine = new CompletableFuture<>();
    CompletableFuture<Path> existing = inFlight.putIfAbsent(sha, mine);
    if (existing != null) return existing.thenApply(p -> p);
    CompletableFuture.runAsync(() -> {}, executor)
        .thenCompose(v -> Failsafe.with(retry).with(executor).getAsync(() -> fetchOnce(artifact, target)))
        .whenComplete((path, err) -> {
          inFlight.remove(sha, mine);
          if (err != null) mine.completeExceptionally(unwrap(err));
          else mine.complete(path);
        });
    return mine.thenApply(p -> p);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private Path fetchOnce(ArtifactRef artifact, Path target) {
    String sha = artifact.sha256();
    if (Files.isRegularFile(target)) {
      if (sha.equals(hashOf(target))) {
        verified.add(sha);
        return target;
      }
      LOG.warn("cached {} does not hash to its name; removing and fetching again", target);
      deleteQuietly(target);
    }
    URI uri = URI.create(artifact.url());
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    Path tmp = dir.resolve("." + sha + "." + Long.toHexString(System.nanoTime()) + TMP_SUFFIX);
    try {
      String actual;
      switch (scheme) {
        case "file" -> actual = copyFile(uri, tmp, artifact.url());
        case "http", "https" -> actual = download(uri, tmp, artifact.url());
        default -> throw new ArtifactException(ArtifactException.Code.UNSUPPORTED, "unsupported URL scheme '" + scheme + "': " + artifact.url());
      }
      if (!actual.equals(sha)) {
        throw new ArtifactException(ArtifactException.Code.CHECKSUM_MISMATCH,
            "sha256 mismatch for " + artifact.url() + ": expected " + sha + ", got " + actual + " (jar not used)");
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      verified.add(sha);
      transfers.incrementAndGet();
      LOG.info("cached {} as {}", artifact.url(), target);
      return target;
    } catch (IOException e) {
      throw new ArtifactException(ArtifactException.Code.IO, "cannot fetch " + artifact.url() + ": " + e, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private String copyFile(URI uri, Path tmp, String url) throws IOException {
    Path src;
    try {
      src = Path.of(uri);
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(ArtifactException.Code.NOT_FOUND, "not a local file URL: " + url);
    }
    if (!Files.isRegularFile(src)) throw new ArtifactException(ArtifactException.Code.NOT_FOUND, "no such file: " + src);
    long size = Files.size(src);
    if (size > maxBytes) {
      throw new ArtifactException(ArtifactException.Code.TOO_LARGE, url + " is " + size + " bytes, bound is " + maxBytes);
    }
    try (InputStream in = Files.newInputStream(src)) {
      return copyHashing(in, tmp, size, url);
    } catch (NoSuchFileException e) {
      throw new ArtifactException(ArtifactException.Code.NOT_FOUND, "no such file: " + src, e);
    }
  }

  private HttpClient http() {
    HttpClient c = http;
    if (c != null) return c;
    synchronized (httpLock) {
      if (http == null) {
        try {
          http = HttpClient.newBuilder()
              .connectTimeout(java.time.Duration.ofSeconds(10))
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build();
        } catch (RuntimeException e) { // e.g. an unreadable default trust store (UncheckedIOException)
          throw new ArtifactException(ArtifactException.Code.IO, "cannot create the HTTP client (TLS set-up of this JVM): " + e, e);
        }
      }
      return http;
    }
  }

  private String download(URI uri, Path tmp, String url) throws IOException {
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
    HttpResponse<InputStream> resp;
    try {
      resp = http().send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArtifactException(ArtifactException.Code.IO, "interrupted while fetching " + url, e);
    }
    try (InputStream in = resp.body()) {
      int status = resp.statusCode();
      if (status == 404 || status == 410) throw new ArtifactException(ArtifactException.Code.NOT_FOUND, "HTTP " + status + " for " + url);
      if (status != 200) throw new ArtifactException(ArtifactException.Code.IO, "HTTP " + status + " for " + url);
      long length = resp.headers().firstValueAsLong("content-length").orElse(-1);
      if (length > maxBytes) {
        throw new ArtifactException(ArtifactException.Code.TOO_LARGE, url + " is " + length + " bytes, bound is " + maxBytes);
      }
      return copyHashing(in, tmp, length, url);
    }
  }

  /** Copies at most {@code maxBytes} into {@code tmp}, forces it to disk, returns the sha256. */
  private String copyHashing(InputStream in, Path tmp, long expectedLength, String url) throws IOException {
    MessageDigest md = Sha256.newDigest();
    long total = 0;
    long nextReport = progressEvery;
    long started = System.nanoTime();
    byte[] buf = new byte[64 * 1024];
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
        if (total > maxBytes) {
          throw new ArtifactException(ArtifactException.Code.TOO_LARGE, url + " exceeds the bound of " + maxBytes + " bytes");
        }
        md.update(buf, 0, n);
        out.write(buf, 0, n);
        if (total >= nextReport) {
          LOG.info("fetching {}: {} of {} bytes", url, total, expectedLength < 0 ? "?" : String.valueOf(expectedLength));
          nextReport += progressEvery;
        }
      }
      out.flush();
      ch.force(true);
    }
    if (expectedLength >= 0 && total != expectedLength) {
      throw new ArtifactException(ArtifactException.Code.IO, url + " truncated: " + total + " of " + expectedLength + " bytes");
    }
    LOG.debug("fetched {} ({} bytes in {} ms)", url, total, (System.nanoTime() - started) / 1_000_000);
    return Sha256.hex(md.digest());
  }

  static String hashOf(Path file) {
    try {
      return Sha256.of(file);
    } catch (java.io.UncheckedIOException e) {
      throw new ArtifactException(ArtifactException.Code.IO, e.getMessage(), e.getCause());
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", p, e.toString());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
