package dev.switchboard.bridge.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.bridge.Bridge;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;

/** {@code /metrics}, {@code /healthz}, {@code /v1/status} on the configured address (127.0.0.1 by default). */
public final class BridgeHttp implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Vertx vertx;
  private final HttpServer server;

  private BridgeHttp(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static BridgeHttp start(String host, int port, Bridge bridge) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
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
                });
    try {
      server.listen(port, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return new BridgeHttp(vertx, server);
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort on shutdown
    }
  }
}
