package dev.switchboard.it.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Plain HTTP GETs to 127.0.0.1 (every container runs on the host network). */
final class Http {
  static final String MARKER = "X-Switchboard-Plugin";
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Http() {}

  /** A GET; IO problems as {@link java.io.UncheckedIOException}. */
  static HttpResponse<String> get(int port, String path, Duration timeout) {
    try {
      return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("GET 127.0.0.1:" + port + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static HttpResponse<String> get(int port, String path) {
    return get(port, path, Duration.ofSeconds(10));
  }

  /** True when {@code GET path} answers 200 within 2 s. */
  static boolean ok(int port, String path) {
    try {
      return get(port, path, Duration.ofSeconds(2)).statusCode() == 200;
    } catch (RuntimeException e) {
      return false;
    }
  }

  static Optional<String> marker(HttpResponse<?> r) {
    return r.headers().firstValue(MARKER);
  }
}
