package dev.switchboard.sidecar.artifact;

import dev.switchboard.sidecar.desired.ArtifactRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Content-addressed jar cache: {@code <cacheDir>/sha256/<hex>.jar}. A jar is fetched (file or
 * HTTP(S)), hashed while it is written to a temporary file in the same directory, and moved into
 * place atomically only when its sha256 matches, so a file under its final name is always
 * complete and verified. One fetch per sha256 at a time; a cached sha256 is never fetched again.
 */
public interface ArtifactCache extends AutoCloseable {
  /** Completes with the verified cached jar, fetching it first if needed. */
  CompletableFuture<Path> fetch(ArtifactRef artifact);

  /** The final path of a sha256 in this cache (it may not exist). */
  Path pathOf(String sha256);

  /** Number of fetches that actually transferred bytes (for tests and metrics). */
  long transfers();

  @Override
  void close();

  static Builder builder() {
    return new Builder();
  }

  final class Builder {
    Path cacheDir;
    long maxBytes = 64L * 1024 * 1024;
    int maxAttempts = 4;
    Duration initialBackoff = Duration.ofMillis(200);
    Duration maxBackoff = Duration.ofSeconds(5);
    Duration requestTimeout = Duration.ofSeconds(60);
    long progressEveryBytes = 8L * 1024 * 1024;
    Duration staleTempAge = Duration.ofMinutes(10);

    Builder() {}

    public Builder cacheDir(Path dir) {
      this.cacheDir = Objects.requireNonNull(dir, "cacheDir == null");
      return this;
    }

    /** Largest jar accepted. */
    public Builder maxBytes(long max) {
      if (max <= 0) throw new IllegalArgumentException("maxBytes <= 0: " + max);
      this.maxBytes = max;
      return this;
    }

    /** Attempts per fetch for transient failures, with exponential backoff between them. */
    public Builder retries(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
      if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts < 1: " + maxAttempts);
      this.maxAttempts = maxAttempts;
      this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff == null");
      this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff == null");
      return this;
    }

    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout, "requestTimeout == null");
      return this;
    }

    /** Logs progress every so many bytes for large downloads. */
    public Builder progressEveryBytes(long bytes) {
      if (bytes <= 0) throw new IllegalArgumentException("progressEveryBytes <= 0: " + bytes);
      this.progressEveryBytes = bytes;
      return this;
    }

    /** Temporary files older than this are removed at start (left by a crash mid-download). */
    public Builder staleTempAge(Duration age) {
      this.staleTempAge = Objects.requireNonNull(age, "staleTempAge == null");
      return this;
    }

    public ArtifactCache build() {
      if (cacheDir == null) throw new IllegalStateException("cacheDir not set");
      return new ArtifactCacheImpl(this);
    }
  }
}
