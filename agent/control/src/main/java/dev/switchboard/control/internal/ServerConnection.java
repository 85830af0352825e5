package dev.switchboard.control.internal;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.server.ControlHandler;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/** One connection to the control server: handshake, then requests; a reader and a writer thread. */
final class ServerConnection {
  private static final System.Logger LOG = ServerCore.LOG;
  private static final int MAX_QUEUED = 1024;
  private static final Map<String, Object> POISON = Map.of();

  private final ServerCore server;
  private final SocketChannel ch;
  private final int number;
  private final BlockingQueue<Map<String, Object>> outbox = new ArrayBlockingQueue<>(MAX_QUEUED);
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean authenticated;
  private volatile String peer = "unknown peer";
  private volatile Thread writer;

  ServerConnection(ServerCore server, SocketChannel ch, int number) {
    this.server = server;
    this.ch = ch;
    this.number = number;
  }

  boolean isAuthenticated() {
    return authenticated && !closed.get();
  }

  void start() {
    ServerCore.daemon("switchboard-control-conn-" + number).newThread(this::readLoop).start();
    Thread w = ServerCore.daemon("switchboard-control-write-" + number).newThread(this::writeLoop);
    writer = w;
    w.start();
  }

  void send(Map<String, Object> message) {
    if (closed.get()) return;
    if (!outbox.offer(message)) close("controller too slow: more than " + MAX_QUEUED + " messages queued");
  }

  private void writeLoop() {
    try {
      while (true) {
        Map<String, Object> m = outbox.take();
        if (m == POISON) break;
        Frames.write(ch, m);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ClosedChannelException e) {
      // closed by the reader or the server
    } catch (IOException | RuntimeException e) {
      close("write failed: " + e);
      return;
    }
    ServerCore.closeQuietly(ch);
  }

  private void readLoop() {
    ScheduledFuture<?> deadline = server.timer().schedule(
        () -> {
          if (!authenticated) close("no valid hello within " + Protocol.HANDSHAKE_TIMEOUT_MILLIS + " ms");
        },
        Protocol.HANDSHAKE_TIMEOUT_MILLIS,
        TimeUnit.MILLISECONDS);
    try {
      String refusal = checkPeer();
      if (refusal != null) {
        refuse(refusal);
        return;
      }
      Map<String, Object> hello = Frames.read(ch);
      if (hello == null) {
        close("closed before the handshake");
        return;
      }
      refusal = checkHello(hello);
      deadline.cancel(false);
      if (refusal != null) {
        refuse(refusal);
        return;
      }
      dev.switchboard.control.RuntimeInfo welcome;
      try {
        welcome = server.handler().hello(Fields.optStrings(hello, "exports", Codec.MAX_EXPORTS));
      } catch (IllegalArgumentException e) {
        refuse("hello: " + e.getMessage());
        return;
      }
      authenticated = true;
      send(Codec.info(welcome));
      LOG.log(Level.DEBUG, "switchboard control: controller " + number + " (" + peer + ") connected");
      while (!closed.get()) {
        Map<String, Object> m = Frames.read(ch);
        if (m == null) {
          close("controller disconnected");
          return;
        }
        dispatch(m);
      }
    } catch (ControlException e) {
      // malformed frame or message: tell the peer (best effort) and drop this connection only
      LOG.log(Level.WARNING, "switchboard control: closing connection " + number + " (" + peer + "): " + e.getMessage());
      sendError(e.code().name(), e.getMessage());
    } catch (AsynchronousCloseException | EOFException e) {
      close("connection closed: " + e.getMessage());
    } catch (IOException e) {
      close("read failed: " + e);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "switchboard control: unexpected failure on connection " + number, e);
      close("internal error: " + e);
    } finally {
      deadline.cancel(false);
    }
  }

  private String checkPeer() {
    try {
      UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
      UserPrincipal host = server.hostUser();
      peer = "user " + p.user().getName();
      if (!p.user().equals(host) && !p.user().getName().equals(host.getName())) {
        return "peer user " + p.user().getName() + " is not the host's user " + host.getName();
      }
      return null;
    } catch (IOException | UnsupportedOperationException e) {
      return "cannot read the peer's credentials (SO_PEERCRED): " + e;
    } catch (LinkageError e) {
      return "this Java runtime lacks the jdk.net module, so the peer's user cannot be verified: " + e;
    }
  }

  private String checkHello(Map<String, Object> m) {
    String type = Fields.optString(m, "type");
    if (!Protocol.HELLO.equals(type)) return "first message must be hello, got " + type;
    long version = Fields.integer(m, "protocol", 0, Integer.MAX_VALUE);
    String token = Fields.optString(m, "token");
    byte[] given = token == null ? new byte[0] : token.getBytes(StandardCharsets.UTF_8);
    byte[] expected = server.token().getBytes(StandardCharsets.US_ASCII);
    boolean tokenOk = MessageDigest.isEqual(given, expected); // constant time for equal lengths
    if (!tokenOk) return "wrong or missing token";
    if (version != Protocol.VERSION) return "protocol version " + version + " unsupported (runtime speaks " + Protocol.VERSION + ")";
    return null;
  }

  private void refuse(String why) {
    LOG.log(Level.WARNING, "switchboard control: refused connection " + number + " (" + peer + "): " + why);
    sendError(ControlException.Code.UNAUTHORIZED.name(), why);
  }

  /** Sends an error frame as the last message, then closes (forced after one second). */
  private void sendError(String code, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", Protocol.ERROR);
    m.put("code", code);
    m.put("message", message);
    if (!closed.compareAndSet(false, true)) return;
    server.removed(this);
    outbox.clear();
    outbox.offer(m);
    outbox.offer(POISON);
    server.timer().schedule(() -> ServerCore.closeQuietly(ch), 1, TimeUnit.SECONDS);
  }

  private void dispatch(Map<String, Object> m) {
    String type = Fields.string(m, "type");
    long id = Fields.integer(m, "id", 0, Long.MAX_VALUE);
    ControlHandler h = server.handler();
    switch (type) {
      case Protocol.ACTIVATE: {
        ActivateRequest r = Codec.activate(m);
        reply(id, call(() -> h.activate(r)), s -> Map.of("status", Codec.status(s)));
        break;
      }
      case Protocol.DEACTIVATE: {
        String pluginId = Codec.pluginId(m);
        reply(id, call(() -> h.deactivate(pluginId)), s -> Map.of("status", Codec.status(s)));
        break;
      }
      case Protocol.STATUS:
        reply(id, call(() -> CompletableFuture.completedFuture(h.statuses())), l -> Map.of("statuses", statuses(l)));
        break;
      case Protocol.STATS:
        reply(id, call(() -> CompletableFuture.completedFuture(h.stats())), s -> Map.of("stats", s));
        break;
      case Protocol.CHECK_UNLOAD:
        reply(id, call(h::checkUnload), l -> Map.of("statuses", statuses(l)));
        break;
      case Protocol.TRAFFIC: {
        dev.switchboard.control.TrafficRequest r = TrafficCodec.read(m);
        reply(id, call(() -> h.traffic(r)), s -> Map.of("status", Codec.status(s)));
        break;
      }
      case Protocol.DETACH:
        reply(id, call(h::detach), l -> Map.of("statuses", statuses(l))).thenRun(h::detached);
        break;
      default:
        throw ServerCore.protocol("unknown request type: " + Codec.abbreviate(type));
    }
  }

  private static List<Object> statuses(List<PluginStatus> l) {
    List<Object> out = new java.util.ArrayList<>(l.size());
    for (PluginStatus s : l) out.add(Codec.status(s));
    return out;
  }

  private static <T> CompletableFuture<T> call(java.util.function.Supplier<CompletableFuture<T>> s) {
    try {
      CompletableFuture<T> f = s.get();
      return f == null ? CompletableFuture.failedFuture(new IllegalStateException("handler returned null")) : f;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Sends the result of {@code f}; the returned future completes (normally) once a successful result was queued. */
  private <T> CompletableFuture<Void> reply(long id, CompletableFuture<T> f,
      java.util.function.Function<T, Map<String, Object>> body) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    f.whenComplete((v, err) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", Protocol.RESULT);
      m.put("id", id);
      if (err == null) {
        try {
          m.put("ok", true);
          m.putAll(body.apply(v));
        } catch (RuntimeException e) {
          err = e;
        }
      }
      if (err != null) {
        Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
        m.clear();
        m.put("type", Protocol.RESULT);
        m.put("id", id);
        m.put("ok", false);
        m.put("code", cause instanceof ControlException ? ((ControlException) cause).code().name() : ControlException.Code.FAILED.name());
        m.put("message", String.valueOf(cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        LOG.log(Level.INFO, "switchboard control: request " + id + " failed: " + cause);
      }
      send(m);
      if (err == null) sent.complete(null);
    });
    return sent;
  }

  /** Stops taking messages but writes what is queued, then closes (the answer to a detach reaches the client). */
  void finish(String why) {
    if (!closed.compareAndSet(false, true)) return;
    server.removed(this);
    if (authenticated) LOG.log(Level.DEBUG, "switchboard control: controller " + number + " finished (" + why + ")");
    if (!outbox.offer(POISON)) ServerCore.closeQuietly(ch);
  }

  /** Waits (bounded) until the writer wrote what was queued and closed the channel. */
  boolean awaitWriter(long millis) throws InterruptedException {
    Thread w = writer;
    if (w == null) return true;
    w.join(millis);
    return !w.isAlive();
  }

  void close(String why) {
    if (!closed.compareAndSet(false, true)) return;
    server.removed(this);
    if (authenticated) LOG.log(Level.DEBUG, "switchboard control: controller " + number + " gone (" + why + "); plugins keep running");
    outbox.clear();
    outbox.offer(POISON);
    ServerCore.closeQuietly(ch);
  }
}
