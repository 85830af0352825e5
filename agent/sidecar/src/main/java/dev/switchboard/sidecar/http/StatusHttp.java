package dev.switchboard.sidecar.http;

import dev.switchboard.store.http.HttpEndpoint;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP endpoints (docs/reference.md §4), on an {@link HttpEndpoint}: {@code GET /v1/status},
 * {@code /metrics}, {@code /healthz}, {@code /readyz}. Bound to 127.0.0.1 unless configured
 * otherwise.
 */
public final class StatusHttp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusHttp.class);

  /** What the endpoints serve. Futures must not block the event loop. */
  public interface Source {
    CompletableFuture<String> statusJson();

    CompletableFuture<String> metrics();

    /** Null when ready, else the reason. */
    CompletableFuture<String> notReadyReason();
  }

  private final HttpEndpoint server;

  private StatusHttp(HttpEndpoint server) {
    this.server = server;
  }

  /** Binds and returns once listening (port 0 picks a free port; see {@link #port()}). */
  public static StatusHttp start(String host, int port, Source source) {
    return new StatusHttp(HttpEndpoint.start("HTTP", host, port, req -> handle(req, source)));
  }

  public int port() {
    return server.port();
  }

  private static void handle(HttpServerRequest req, Source source) {
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      req.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end("method not allowed\n");
      return;
    }
    switch (req.path()) {
      case "/v1/status" -> source.statusJson().whenComplete((json, err) -> {
        if (err != null) send(req, 500, "text/plain; charset=utf-8", "status unavailable: " + err + "\n");
        else send(req, 200, "application/json", json);
      });
      case "/metrics" -> {
        CompletableFuture<String> text;
        try {
          text = source.metrics();
        } catch (RuntimeException e) {
          text = CompletableFuture.failedFuture(e);
        }
        text.whenComplete((body, err) -> {
          if (err != null) {
            LOG.error("metrics scrape failed", err);
            send(req, 500, "text/plain; charset=utf-8", "metrics unavailable: " + err + "\n");
          } else {
            send(req, 200, "text/plain; version=0.0.4; charset=utf-8", body);
          }
        });
      }
      case "/healthz" -> send(req, 200, "text/plain; charset=utf-8", "ok\n");
      case "/readyz" -> source.notReadyReason().whenComplete((reason, err) -> {
        if (err != null) send(req, 503, "text/plain; charset=utf-8", "not ready: " + err + "\n");
        else if (reason == null) send(req, 200, "text/plain; charset=utf-8", "ready\n");
        else send(req, 503, "text/plain; charset=utf-8", "not ready: " + reason + "\n");
      });
      default -> send(req, 404, "text/plain; charset=utf-8", "not found: " + req.path() + "\n");
    }
  }

  private static void send(HttpServerRequest req, int status, String type, String body) {
    req.response().setStatusCode(status).putHeader("Content-Type", type).end(body);
  }

  @Override
  public void close() {
    server.close();
  }
}
