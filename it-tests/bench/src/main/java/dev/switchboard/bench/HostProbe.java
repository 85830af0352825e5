package dev.switchboard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/** Polls the sample host's {@code GET /} on 127.0.0.1 for the {@code X-Switchboard-Plugin} header. */
final class HostProbe {
  /** Pause between polls: short enough to bound the resolution, long enough not to starve 2 cores. */
  static final long POLL_PAUSE_NANOS = 100_000;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final HttpRequest request;

  HostProbe(int port) {
    request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build();
  }

  Optional<String> marker() throws Exception {
    HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != 200) throw new IllegalStateException("host answered " + r.statusCode());
    return r.headers().firstValue("X-Switchboard-Plugin");
  }

  /** Polls until the header's presence equals {@code present}; returns System.nanoTime() of that response. */
  long awaitMarker(boolean present, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean now;
      try {
        now = marker().isPresent();
      } catch (java.net.http.HttpTimeoutException e) { // a stalled host (GC, overloaded machine): keep polling
        if (System.nanoTime() - deadline > 0) throw e;
        continue;
      }
      long t = System.nanoTime();
      if (now == present) return t;
      if (t - deadline > 0) throw new IllegalStateException("host header present=" + present + " not seen within " + timeout);
      LockSupport.parkNanos(POLL_PAUSE_NANOS);
    }
  }
}
