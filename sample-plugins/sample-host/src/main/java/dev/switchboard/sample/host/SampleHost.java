package dev.switchboard.sample.host;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP service that knows nothing of Switchboard's runtime: {@code java -jar
 * dist/sample-host.jar --port 8080} serves {@code 200 hello} on 127.0.0.1 and calls the active
 * {@code RequestFilter} extensions (its own SPI, {@code dev.switchboard.sample.spi}) on every
 * request. It declares that package as exported to plugins (system property {@code
 * switchboard.host.exports}). {@code --port 0} picks a free port; the chosen one is printed as
 * {@code LISTENING <port>}, the pid as {@code PID <pid>}.
 */
public final class SampleHost {
  public static final String EXPORTS_PROPERTY = "switchboard.host.exports";
  public static final String SPI_PACKAGE = "dev.switchboard.sample.spi";

  private SampleHost() {}

  public static void main(String[] args) throws Exception {
    int port;
    try {
      port = parsePort(args);
    } catch (IllegalArgumentException e) {
      System.err.println("sample-host: " + e.getMessage());
      System.err.println("usage: java -jar sample-host.jar [--port N]   (N = 0..65535, 0 = any free port; default 8080)");
      System.exit(2);
      return;
    }
    String exports = System.getProperty(EXPORTS_PROPERTY);
    System.setProperty(EXPORTS_PROPERTY, exports == null || exports.isBlank() ? SPI_PACKAGE : exports + "," + SPI_PACKAGE);
    System.setProperty("vertx.disableDnsResolver", "true");

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
    FilterChain chain = new FilterChain();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(chain::handle);
    HttpServer bound;
    try {
      bound = server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("sample-host: cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("sample-host: close: " + e);
      }
    }, "sample-host-shutdown"));
    System.out.println("PID " + ProcessHandle.current().pid());
    System.out.println("LISTENING " + bound.actualPort());
    System.out.flush();
  }

  static int parsePort(String[] args) {
    int port = 8080;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value;
      if (a.equals("--port")) {
        if (i + 1 >= args.length) throw new IllegalArgumentException("--port needs a value");
        value = args[++i];
      } else if (a.startsWith("--port=")) {
        value = a.substring("--port=".length());
      } else {
        throw new IllegalArgumentException("unknown argument: " + a);
      }
      try {
        port = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--port is not a number: " + value);
      }
      if (port < 0 || port > 65535) throw new IllegalArgumentException("--port out of range 0..65535: " + port);
    }
    return port;
  }
}
