package dev.switchboard.store.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server for a process's operator endpoints (status, metrics, health), on Vert.x core with one event
 * loop and one worker thread of its own. The agent and the bridge each serve their endpoints through one; what a
 * request gets is up to the handler, which runs on the event loop and must not block.
 */
public final class HttpEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);

  private final String name;
  private final Vertx vertx;
  private final HttpServer server;

  private HttpEndpoint(String name, Vertx vertx, HttpServer server) {
    this.name = name;
    this.vertx = vertx;
    this.server = server;
  }

  /**
   * Binds {@code host:port} (port 0 picks a free port; see {@link #port()}) and returns once listening.
   *
   * @param name what the server is for, in log lines ("agent HTTP", "bridge HTTP")
   * @throws IllegalStateException when it cannot listen (port in use, unknown address), naming the address and cause
   */
  public static HttpEndpoint start(String name, String host, int port, Handler<HttpServerRequest> handler) {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(host, "host == null");
    Objects.requireNonNull(handler, "handler == null");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range 0..65535: " + port);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    HttpServer server = vertx.createHttpServer().requestHandler(handler);
    try {
      server.listen(port, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + rootMessage(e), e);
    }
    LOG.info("{} listening on {}:{}", name, host, server.actualPort());
    return new HttpEndpoint(name, vertx, server);
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) t = t.getCause();
    return t.toString();
  }

  /** The port it listens on (the one picked when started with port 0). */
  public int port() {
    return server.actualPort();
  }

  /** Stops listening and releases its threads; waits up to 5 s, logs (and does not throw) when that fails. */
  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("closing {}: interrupted", name);
    } catch (Exception e) {
      LOG.warn("closing {}: {}", name, e.toString());
    }
  }
}
