package dev.switchboard.bridge.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.bridge.Bridge;
import dev.switchboard.store.http.HttpEndpoint;
import io.vertx.core.http.HttpServerRequest;

/** {@code /metrics}, {@code /healthz}, {@code /v1/status} on the configured address (127.0.0.1 by default). */
public final class BridgeHttp implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpEndpoint server;

  private BridgeHttp(HttpEndpoint server) {
    this.server = server;
  }

  /** Binds and returns once listening (port 0 picks a free port; see {@link #port()}). */
  public static BridgeHttp start(String host, int port, Bridge bridge) {
    return new BridgeHttp(HttpEndpoint.start("bridge HTTP", host, port, req -> handle(req, bridge)));
  }

  private static void handle(HttpServerRequest req, Bridge bridge) {
    try {
      switch (req.path()) {
        case "/metrics" -> req.response()
            .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
            .end(bridge.metrics().scrape());
        case "/healthz" -> req.response().setStatusCode(bridge.healthy() ? 200 : 503).end(bridge.healthy() ? "ok\n" : "stopping\n");
        case "/v1/status" -> req.response()
            .putHeader("content-type", "application/json")
            .end(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bridge.status()));
        default -> req.response().setStatusCode(404).end("not found\n");
      }
    } catch (Exception e) {
      req.response().setStatusCode(500).end(String.valueOf(e.getMessage()));
    }
  }

  public int port() {
    return server.port();
  }

  /** Stops listening; a failure to close is logged, not thrown. */
  @Override
  public void close() {
    server.close();
  }
}
