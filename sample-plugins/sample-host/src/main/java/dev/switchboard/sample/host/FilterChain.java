package dev.switchboard.sample.host;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.Extensions;
import dev.switchboard.api.RoutingKey;
import dev.switchboard.sample.spi.Exchange;
import dev.switchboard.sample.spi.RequestFilter;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;

/**
 * Per request: runs the active {@link RequestFilter}s (one snapshot read, no lock), then answers
 * {@code 200 hello} unless a filter answered, then tells every filter the outcome. {@code
 * GET /lib-version} answers the version of the host's own copy of {@code
 * dev.switchboard.sample.shared.Lib} (a plugin may bundle another one). A filter that
 * throws gets the request answered with 500 and the failure printed; the host keeps serving. The request's
 * headers are its routing key: where a plugin runs two versions with calls shared, the split's hash key and pin
 * header are request headers, and both points of one request reach the same version.
 */
final class FilterChain {
  static final ExtensionPoint<RequestFilter> FILTERS = Extensions.point(RequestFilter.class);

  void handle(HttpServerRequest req) {
    VertxExchange ex = new VertxExchange(req);
    if ("/lib-version".equals(req.path())) {
      ex.body = dev.switchboard.sample.shared.Lib.version(); // the host's own copy of the library
    }
    try {
      FILTERS.forEachWhile(FilterChain::apply, ex, ex);
    } catch (RuntimeException | LinkageError e) {
      System.err.println("sample-host: a request filter failed: " + e);
      ex.respond(500, "filter failed: " + e.getClass().getName() + "\n");
    }
    HttpServerResponse resp = req.response();
    resp.setStatusCode(ex.status);
    resp.putHeader("Content-Type", "text/plain; charset=utf-8");
    try {
      FILTERS.forEach(FilterChain::completed, ex, ex);
    } catch (RuntimeException | LinkageError e) {
      System.err.println("sample-host: a request filter failed after the response was decided: " + e);
    }
    resp.end(ex.body);
  }

  private static boolean apply(RequestFilter f, VertxExchange ex) {
    return f.filter(ex);
  }

  private static void completed(RequestFilter f, VertxExchange ex) {
    f.completed(ex);
  }

  /** Also the request's routing key: its headers, and one bucket for both points of the request. */
  static final class VertxExchange implements Exchange, RoutingKey {
    private final HttpServerRequest req;
    private final long start = System.nanoTime();
    private final int bucket = java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000);
    int status = 200;
    String body = "hello";

    VertxExchange(HttpServerRequest req) {
      this.req = req;
    }

    @Override
    public String method() {
      return req.method().name();
    }

    @Override
    public String path() {
      return req.path();
    }

    @Override
    public String requestHeader(String name) {
      return req.getHeader(name);
    }

    @Override
    public String attribute(String name) {
      return req.getHeader(name);
    }

    @Override
    public int bucket() {
      return bucket;
    }

    @Override
    public String clientAddress() {
      SocketAddress a = req.remoteAddress();
      return a == null ? "unknown" : a.hostAddress();
    }

    @Override
    public void setResponseHeader(String name, String value) {
      req.response().putHeader(name, value);
    }

    @Override
    public void respond(int status, String body) {
      if (status < 100 || status > 599) throw new IllegalArgumentException("status out of range 100..599: " + status);
      this.status = status;
      this.body = body == null ? "" : body;
    }

    @Override
    public int status() {
      return status;
    }

    @Override
    public long elapsedNanos() {
      return System.nanoTime() - start;
    }
  }
}
