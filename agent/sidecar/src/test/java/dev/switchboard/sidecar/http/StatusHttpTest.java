package dev.switchboard.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StatusHttpTest {
  final AtomicReference<String> notReady = new AtomicReference<>("not attached to the host JVM");

  @Test
  void endpointsAnswerOnLoopbackWithTheRightCodesAndTypes() throws Exception {
    try (StatusHttp http = StatusHttp.start("127.0.0.1", 0, new StatusHttp.Source() {
          @Override public CompletableFuture<String> statusJson() { return CompletableFuture.completedFuture("{\"service\":\"s\"}"); }
          @Override public CompletableFuture<String> metrics() { return CompletableFuture.completedFuture("switchboard_store_connected{store=\"etcd\"} 1.0\n"); }
          @Override public CompletableFuture<String> notReadyReason() { return CompletableFuture.completedFuture(notReady.get()); }
        })) {
      HttpClient c = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + http.port();
      HttpResponse<String> status = c.send(HttpRequest.newBuilder(URI.create(base + "/v1/status")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(status.headers().firstValue("content-type")).contains("application/json");
      assertThat(status.body()).isEqualTo("{\"service\":\"s\"}");
      HttpResponse<String> metrics = c.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain; version=0.0.4");
      assertThat(c.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      HttpResponse<String> ready = c.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("not attached to the host JVM");
      notReady.set(null);
      assertThat(c.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      assertThat(c.send(HttpRequest.newBuilder(URI.create(base + "/nope")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
      assertThat(c.send(HttpRequest.newBuilder(URI.create(base + "/v1/status")).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }
  }
}
