package dev.switchboard.store.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpEndpointTest {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> get(int port, String path) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60)).build(); // generous: a loaded machine may take seconds for the first request
    return client.send(req, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesWhatTheHandlerAnswersOnThePortItPicked() throws Exception {
    try (HttpEndpoint http = HttpEndpoint.start("test HTTP", "127.0.0.1", 0,
        req -> req.response().setStatusCode(202).end("path " + req.path()))) {
      assertThat(http.port()).isPositive();
      HttpResponse<String> r = get(http.port(), "/v1/x");
      assertThat(r.statusCode()).isEqualTo(202);
      assertThat(r.body()).isEqualTo("path /v1/x");
    }
  }

  @Test
  void aPortInUseFailsNamingTheAddress() {
    try (HttpEndpoint first = HttpEndpoint.start("first", "127.0.0.1", 0, req -> req.response().end("first"))) {
      int port = first.port();
      assertThatThrownBy(() -> HttpEndpoint.start("second", "127.0.0.1", port, req -> req.response().end("second")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + port);
    }
  }

  @Test
  void closingStopsListening() throws Exception {
    HttpEndpoint http = HttpEndpoint.start("test HTTP", "127.0.0.1", 0, req -> req.response().end("ok"));
    int port = http.port();
    assertThat(get(port, "/").body()).isEqualTo("ok");
    http.close();
    assertThatThrownBy(() -> get(port, "/")).isInstanceOf(ConnectException.class);
  }

  @Test
  void aPortOutOfRangeIsRefusedNamingIt() {
    assertThatThrownBy(() -> HttpEndpoint.start("test HTTP", "127.0.0.1", 70000, req -> req.response().end()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
  }
}
