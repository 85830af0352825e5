package dev.switchboard.cli.console;

import dev.switchboard.store.KeySpace;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The fleet console: a read-only web page that watches the status keys and the desired state in one store and
 * pushes every change to the browser with server-sent events. {@code switchboard console} and the demo start one.
 * The store session is the caller's (it is not closed here).
 */
public final class Console implements AutoCloseable {
  private final ConsoleServer server;
  private final ConsoleFeed feed;
  private final String host;

  private Console(ConsoleServer server, ConsoleFeed feed, String host) {
    this.server = server;
    this.feed = feed;
    this.host = host;
  }

  /**
   * Listens on {@code host:port} (0 picks a port) and starts watching {@code <root>/status} and
   * {@code <root>/services} in {@code store}.
   *
   * @param flipWindow how far back the page lists flips
   * @throws IllegalStateException when it cannot listen, naming the address
   */
  public static Console start(KeySpace store, String root, String host, int port, Duration flipWindow) {
    Objects.requireNonNull(store, "store == null");
    Objects.requireNonNull(root, "root == null");
    Objects.requireNonNull(flipWindow, "flipWindow == null");
    ConsoleServer server = new ConsoleServer(host, port);
    try {
      ConsoleFeed feed = new ConsoleFeed(store, root, flipWindow, server, Clock.systemUTC());
      server.source(feed::latest);
      return new Console(server, feed, host);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  public int port() {
    return server.port();
  }

  /** The page's address, e.g. {@code http://127.0.0.1:9466/}. */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    if (h.equals("0.0.0.0") || h.equals("[::]")) h = "127.0.0.1";
    return "http://" + h + ":" + port() + "/";
  }

  @Override
  public void close() {
    feed.close();
    server.close();
  }
}
