package dev.switchboard.cli.console;

import dev.switchboard.store.http.HttpEndpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP side, read-only: the page and its script and style (resources of this jar, nothing from
 * elsewhere), {@code GET /v1/fleet} (the current document) and {@code GET /v1/events} (server-sent events: the
 * current document at once, then every new one as event {@code fleet}, and a comment line as heartbeat). Any
 * other method is refused (405), any other path is 404. A browser that does not keep up (its write queue is full)
 * is disconnected rather than buffered without bound; its {@code EventSource} reconnects and gets the current
 * document.
 */
final class ConsoleServer implements ConsoleFeed.Publisher, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
  private static final String BASE = "/dev/switchboard/cli/console/";
  /** path → resource name and content type. */
  private static final Map<String, String[]> STATIC = Map.of(
      "/", new String[] {"index.html", "text/html; charset=utf-8"},
      "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
      "/console.js", new String[] {"console.js", "text/javascript; charset=utf-8"},
      "/console.css", new String[] {"console.css", "text/css; charset=utf-8"});
  /** The page needs nothing but this origin. */
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:";

  private final Map<String, Buffer> files;
  private final List<HttpServerResponse> clients = new CopyOnWriteArrayList<>();
  private final AtomicLong eventId = new AtomicLong();
  private final HttpEndpoint endpoint;
  private volatile Supplier<String> latest = () -> "{}";

  ConsoleServer(String host, int port) {
    Map<String, Buffer> f = new java.util.HashMap<>();
    STATIC.values().forEach(r -> f.put(r[0], Buffer.buffer(resource(r[0]))));
    this.files = Map.copyOf(f);
    this.endpoint = HttpEndpoint.start("console HTTP", host, port, this::handle);
  }

  /** Where {@code /v1/fleet} and a new event stream take the current document from. */
  void source(Supplier<String> latest) {
    this.latest = latest;
  }

  int port() {
    return endpoint.port();
  }

  int clients() {
    return clients.size();
  }

  private static byte[] resource(String name) {
    try (InputStream in = ConsoleServer.class.getResourceAsStream(BASE + name)) {
      if (in == null) throw new IllegalStateException("console resource missing from the jar: " + BASE + name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading console resource " + BASE + name, e);
    }
  }

  private void handle(HttpServerRequest req) {
    HttpServerResponse res = req.response();
    res.putHeader("X-Content-Type-Options", "nosniff");
    res.putHeader("Cache-Control", "no-store");
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      res.setStatusCode(405).putHeader("Allow", "GET, HEAD").end("the console is read-only: " + req.method() + " is not allowed\n");
      return;
    }
    String path = req.path();
    String[] file = STATIC.get(path);
    if (file != null) {
      res.putHeader("Content-Type", file[1]).putHeader("Content-Security-Policy", CSP).end(files.get(file[0]));
    } else if (path.equals("/v1/fleet")) {
      res.putHeader("Content-Type", "application/json").end(latest.get() + "\n");
    } else if (path.equals("/v1/events") && req.method() == HttpMethod.HEAD) {
      res.putHeader("Content-Type", "text/event-stream; charset=utf-8").end();
    } else if (path.equals("/v1/events")) {
      events(res);
    } else {
      res.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8").end("not found: " + path + "\n");
    }
  }

  private void events(HttpServerResponse res) {
    res.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8");
    res.closeHandler(v -> clients.remove(res));
    res.exceptionHandler(e -> clients.remove(res));
    // retry: how long the browser waits before it reconnects after the stream ended
    res.write("retry: 2000\n\n");
    clients.add(res);
    send(res, frame(latest.get()));
  }

  private String frame(String json) {
    return "event: fleet\nid: " + eventId.incrementAndGet() + "\ndata: " + json + "\n\n";
  }

  private void send(HttpServerResponse res, String text) {
    if (res.writeQueueFull()) {
      LOG.warn("console: a browser does not keep up with the events; disconnecting it (it reconnects and resyncs)");
      clients.remove(res);
      res.reset();
      return;
    }
    res.write(Buffer.buffer(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void document(String json) {
    String f = frame(json);
    for (HttpServerResponse c : clients) send(c, f);
  }

  @Override
  public void heartbeat() {
    for (HttpServerResponse c : clients) send(c, ": heartbeat\n\n");
  }

  @Override
  public void close() {
    for (HttpServerResponse c : clients) c.reset();
    clients.clear();
    endpoint.close();
  }
}
