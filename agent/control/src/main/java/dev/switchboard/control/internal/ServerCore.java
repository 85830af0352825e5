package dev.switchboard.control.internal;

import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.server.ControlHandler;
import dev.switchboard.control.server.OffThreadLog;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime side of the control channel: listens on {@code <controlDir>/<pid>.sock}, publishes
 * the token in {@code <controlDir>/<pid>.token} (both 0600), authenticates every connection
 * (peer uid via {@code SO_PEERCRED} must be the host's user, then the token, compared in constant
 * time, and the protocol version), serves requests through a {@link ControlHandler} and pushes
 * state events. A refused or malformed connection is logged and closed; it changes nothing.
 * Plugins keep running when every controller is gone. All threads are daemons named {@code
 * switchboard-control-*}.
 */
public final class ServerCore implements AutoCloseable {
  static final System.Logger LOG = dev.switchboard.control.server.Logs.get("dev.switchboard.control.server");
  /** Connections open at once; more are closed right away. */
  public static final int MAX_CONNECTIONS = 32;

  private final Path socket;
  private final Path tokenFile;
  private final String token;
  private final ControlHandler handler;
  private final UserPrincipal hostUser;
  private final ServerSocketChannel server;
  private final ScheduledExecutorService timer;
  private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connectionCount = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ServerCore(Path controlDir, long pid, String token, ControlHandler handler) throws IOException {
    if (!Protocol.isToken(token)) throw new IllegalArgumentException("token is not 64 lowercase hex chars");
    this.token = token;
    this.handler = handler;
    ControlFiles.ensureDirectory(controlDir);
    this.socket = Protocol.socketPath(controlDir, pid);
    this.tokenFile = Protocol.tokenPath(controlDir, pid);
    ControlFiles.writePrivate(tokenFile, token);
    this.hostUser = Files.getOwner(tokenFile); // the file was created by this process: its user
    Files.deleteIfExists(socket); // a stale socket of an earlier process with this pid
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("switchboard-control-timer"));
  }

  /**
   * Publishes the token, binds the socket and starts accepting.
   *
   * @param token 64 lowercase hex chars (see {@link ControlFiles#newToken()})
   */
  public static ServerCore start(Path controlDir, long pid, String token, ControlHandler handler) throws IOException {
    ServerCore s = new ServerCore(controlDir, pid, token, handler);
    Thread t = daemon("switchboard-control-accept").newThread(s::acceptLoop);
    t.start();
    OffThreadLog.log(LOG, Level.INFO, "switchboard control channel listening on " + s.socket);
    return s;
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  public Path socket() {
    return socket;
  }

  public Path tokenFile() {
    return tokenFile;
  }

  String token() {
    return token;
  }

  ControlHandler handler() {
    return handler;
  }

  UserPrincipal hostUser() {
    return hostUser;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  /** True while the socket file still exists and the server is open (files may be removed from outside). */
  public boolean isPublished() {
    return !closed.get() && Files.exists(socket) && Files.exists(tokenFile);
  }

  /** Number of authenticated controllers connected now. */
  public int controllers() {
    int n = 0;
    for (ServerConnection c : connections) if (c.isAuthenticated()) n++;
    return n;
  }

  /** Pushes a state change to every authenticated controller (never blocks on a slow one). */
  public void publish(PluginStatus status) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("type", Protocol.EVENT);
    m.put("status", Codec.status(status));
    for (ServerConnection c : connections) {
      if (c.isAuthenticated()) c.send(m);
    }
  }

  private void acceptLoop() {
    while (!closed.get()) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (closed.get()) return;
        LOG.log(Level.WARNING, "switchboard control: accept failed on " + socket + ": " + e);
        sleepQuietly(100);
        continue;
      }
      if (connections.size() >= MAX_CONNECTIONS) {
        LOG.log(Level.WARNING, "switchboard control: more than " + MAX_CONNECTIONS + " connections, refusing one");
        closeQuietly(ch);
        continue;
      }
      ServerConnection c = new ServerConnection(this, ch, connectionCount.incrementAndGet());
      connections.add(c);
      c.start();
    }
  }

  void removed(ServerConnection c) {
    connections.remove(c);
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.log(Level.DEBUG, "switchboard control: close failed: " + e);
    }
  }

  /** Stops listening, closes every connection and removes the socket and token files. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    closeQuietly(server);
    for (ServerConnection c : connections) c.close("server closed");
    timer.shutdownNow();
    removeFiles();
  }

  /**
   * Like {@link #close()}, but every connection first writes what it has queued (at most {@code millis} per
   * connection): the answer to a detach request still reaches its client.
   */
  public void closeGracefully(long millis) {
    if (!closed.compareAndSet(false, true)) return;
    closeQuietly(server);
    List<ServerConnection> open = new ArrayList<>(connections);
    for (ServerConnection c : open) c.finish("runtime detached");
    try {
      for (ServerConnection c : open) {
        if (!c.awaitWriter(millis)) LOG.log(Level.WARNING, "switchboard control: a connection did not finish writing within " + millis + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ServerConnection c : open) c.close("runtime detached");
    timer.shutdownNow();
    removeFiles();
  }

  private void removeFiles() {
    try {
      Files.deleteIfExists(socket);
      ControlFiles.deleteIfOurs(tokenFile, token);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "switchboard control: could not remove " + socket + " / " + tokenFile + ": " + e);
    }
  }

  static ControlException protocol(String message) {
    return new ControlException(ControlException.Code.PROTOCOL, message);
  }
}
