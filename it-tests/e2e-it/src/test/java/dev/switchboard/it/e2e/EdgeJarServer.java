package dev.switchboard.it.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves jars from the test JVM over HTTP on 127.0.0.1 (an ephemeral port); the sidecars reach it over the host
 * network. Counts the requests per path, so a test can tell that a sidecar really fetched a jar.
 */
final class EdgeJarServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "e2e-jar-server");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  EdgeJarServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the jar server", e);
    }
    server.createContext("/", ex -> {
      String path = ex.getRequestURI().getRawPath();
      hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      byte[] body = files.get(path);
      try (ex) {
        if (body == null) {
          ex.sendResponseHeaders(404, -1);
          return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/java-archive");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  /** Publishes {@code body} at {@code /jars/<name>}; returns its URL. */
  String put(String name, byte[] body) {
    files.put("/jars/" + name, body.clone());
    return url(name);
  }

  String url(String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/jars/" + name;
  }

  /** The artifact JSON for a published jar: its URL, the given sha256, a version. */
  String artifact(String name, String sha256, String version) {
    return "{\"url\":\"" + url(name) + "\",\"sha256\":\"" + sha256 + "\",\"version\":\"" + version + "\"}";
  }

  int hits(String name) {
    AtomicInteger n = hits.get("/jars/" + name);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
