package dev.switchboard.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** Serves the files of one directory over HTTP on 127.0.0.1 (GET /name), with a Content-Length. */
final class FileServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "bench-file-server");
    t.setDaemon(true);
    return t;
  });
  private final Path dir;
  final AtomicLong requests = new AtomicLong();

  FileServer(Path dir) throws IOException {
    this.dir = dir.toAbsolutePath().normalize();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url(Path file) {
    Path rel = dir.relativize(file.toAbsolutePath().normalize());
    if (rel.startsWith("..")) throw new IllegalArgumentException("not under " + dir + ": " + file);
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + rel.toString().replace('\\', '/');
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    try (ex) {
      Path f = dir.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
      if (!f.startsWith(dir) || !Files.isRegularFile(f) || !"GET".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      ex.getResponseHeaders().set("Content-Type", "application/java-archive");
      ex.sendResponseHeaders(200, Files.size(f));
      try (OutputStream out = ex.getResponseBody()) {
        Files.copy(f, out);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
