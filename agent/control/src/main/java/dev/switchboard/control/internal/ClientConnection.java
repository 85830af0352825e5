package dev.switchboard.control.internal;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.control.RuntimeInfo;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The controller side of one authenticated connection. A reader thread matches results to
 * requests by id; results and events are delivered in arrival order on one daemon thread
 * ({@code switchboard-control-client-events}), so a listener never runs on the reader and never
 * under a lock. Requests time out after the client's timeout.
 */
final class ClientConnection implements RuntimeConnection {
  private static final System.Logger LOG = System.getLogger("dev.switchboard.control.client");

  private final SocketChannel ch;
  private final RuntimeInfo info;
  private final Duration timeout;
  private final Object writeLock = new Object();
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final List<Consumer<PluginStatus>> eventListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Throwable>> closedListeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ExecutorService delivery;
  private volatile Throwable closeCause;
  private volatile Duration injectedIn;

  private static final class Pending {
    final CompletableFuture<Map<String, Object>> future = new CompletableFuture<>();
  }

  private ClientConnection(SocketChannel ch, RuntimeInfo info, Duration timeout, long hostPid) {
    this.ch = ch;
    this.info = info;
    this.timeout = timeout;
    this.delivery = Executors.newSingleThreadExecutor(ServerCore.daemon("switchboard-control-client-events-" + hostPid));
  }

  /**
   * Connects to {@code socket} and performs the handshake with {@code token}.
   *
   * @throws ControlException UNAUTHORIZED when refused, TIMEOUT, PROTOCOL, CLOSED when the socket is dead
   */
  static ClientConnection open(Path socket, String token, long hostPid, Duration timeout) {
    return open(socket, token, hostPid, timeout, List.of());
  }

  /** As {@link #open(Path, String, long, Duration)}, asking the runtime for {@code exports} in the hello. */
  static ClientConnection open(Path socket, String token, long hostPid, Duration timeout, List<String> exports) {
    SocketChannel ch;
    try {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw new ControlException(ControlException.Code.CLOSED, "cannot connect to " + socket + ": " + e.getMessage(), e);
    }
    String impostor = checkServerUser(ch, hostPid);
    if (impostor != null) {
      ServerCore.closeQuietly(ch);
      throw new ControlException(ControlException.Code.UNAUTHORIZED, socket + " " + impostor + "; the token was not sent");
    }
    AtomicBoolean done = new AtomicBoolean();
    long handshakeMillis = Math.min(timeout.toMillis(), Protocol.HANDSHAKE_TIMEOUT_MILLIS * 2);
    CompletableFuture.delayedExecutor(handshakeMillis, TimeUnit.MILLISECONDS, Runnable::run).execute(() -> {
      if (done.compareAndSet(false, true)) ServerCore.closeQuietly(ch);
    });
    try {
      Map<String, Object> hello = new LinkedHashMap<>();
      hello.put("type", Protocol.HELLO);
      hello.put("protocol", (long) Protocol.VERSION);
      hello.put("token", token);
      if (!exports.isEmpty()) hello.put("exports", List.copyOf(exports));
      try {
        Frames.write(ch, hello);
      } catch (IOException writeFailed) {
        // the runtime refuses another user's connection at once and closes: its error frame may be waiting unread
        Map<String, Object> refusal = pendingError(ch);
        if (refusal == null) throw writeFailed;
        throw refused(refusal);
      }
      Map<String, Object> answer = Frames.read(ch);
      if (answer == null) throw new ControlException(ControlException.Code.CLOSED, "runtime closed the connection during the handshake");
      String type = Fields.string(answer, "type");
      if (Protocol.ERROR.equals(type)) throw refused(answer);
      if (!Protocol.WELCOME.equals(type)) throw Fields.bad("expected welcome, got " + type);
      RuntimeInfo info = Codec.info(answer);
      if (info.protocolVersion() != Protocol.VERSION) throw Fields.bad("runtime speaks protocol " + info.protocolVersion() + ", we speak " + Protocol.VERSION);
      if (!done.compareAndSet(false, true)) throw new IOException("closed by the timer");
      ClientConnection c = new ClientConnection(ch, info, timeout, hostPid);
      ServerCore.daemon("switchboard-control-client-" + hostPid).newThread(c::readLoop).start();
      return c;
    } catch (IOException e) {
      ServerCore.closeQuietly(ch);
      if (done.get()) throw new ControlException(ControlException.Code.TIMEOUT, "no handshake answer from " + socket + " within " + handshakeMillis + " ms", e);
      throw new ControlException(ControlException.Code.CLOSED, "handshake with " + socket + " failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      done.set(true);
      ServerCore.closeQuietly(ch);
      throw e;
    }
  }

  private static ControlException refused(Map<String, Object> error) {
    String code = Fields.optString(error, "code");
    return new ControlException(
        ControlException.Code.UNAUTHORIZED.name().equals(code) ? ControlException.Code.UNAUTHORIZED : ControlException.Code.PROTOCOL,
        "runtime refused the connection: " + Fields.optString(error, "message"));
  }

  /** An error frame the peer sent before closing, read after our own write failed; null when there is none. */
  static Map<String, Object> pendingError(SocketChannel ch) {
    try {
      Map<String, Object> m = Frames.read(ch);
      return m != null && Protocol.ERROR.equals(Fields.optString(m, "type")) ? m : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The token goes only to a socket served by the host's own user: a socket planted by another
   * user in a shared control dir would otherwise collect it. Null when fine.
   */
  static String checkServerUser(SocketChannel ch, long hostPid) {
    java.util.Optional<String> hostUser = ProcessHandle.of(hostPid).flatMap(p -> p.info().user());
    if (hostUser.isEmpty()) return null; // cannot tell (process gone or hidden): the handshake decides
    try {
      String server = ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
      return server.equals(hostUser.get()) ? null : "is served by user " + server + ", not by the host's user " + hostUser.get();
    } catch (IOException | UnsupportedOperationException | LinkageError e) {
      LOG.log(System.Logger.Level.DEBUG, "switchboard control: cannot read the server's credentials: " + e);
      return null;
    }
  }

  private void readLoop() {
    Throwable cause = null;
    try {
      while (true) {
        Map<String, Object> m = Frames.read(ch);
        if (m == null) {
          cause = new ControlException(ControlException.Code.CLOSED, "runtime closed the connection");
          break;
        }
        handle(m);
      }
    } catch (IOException e) {
      cause = new ControlException(ControlException.Code.CLOSED, "connection lost: " + e.getMessage(), e);
    } catch (ControlException e) {
      LOG.log(System.Logger.Level.WARNING, "switchboard control: malformed message from the runtime, closing: " + e.getMessage());
      cause = e;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "switchboard control: reader failed", e);
      cause = e;
    }
    shutdown(cause);
  }

  private void handle(Map<String, Object> m) {
    String type = Fields.string(m, "type");
    switch (type) {
      case Protocol.RESULT: {
        long id = Fields.integer(m, "id", 0, Long.MAX_VALUE);
        Pending p = pending.remove(id);
        if (p == null) {
          LOG.log(System.Logger.Level.DEBUG, "switchboard control: result for unknown or timed-out request " + id);
          return;
        }
        delivery.execute(() -> p.future.complete(m));
        return;
      }
      case Protocol.EVENT: {
        PluginStatus s = Codec.status(Fields.object(m, "status"));
        delivery.execute(() -> {
          for (Consumer<PluginStatus> l : eventListeners) {
            try {
              l.accept(s);
            } catch (RuntimeException e) {
              LOG.log(System.Logger.Level.WARNING, "switchboard control: event listener failed", e);
            }
          }
        });
        return;
      }
      case Protocol.ERROR:
        throw new ControlException(ControlException.Code.PROTOCOL, "runtime reported: " + Fields.optString(m, "message"));
      default:
        throw Fields.bad("unknown message type from the runtime: " + Codec.abbreviate(type));
    }
  }

  private CompletableFuture<Map<String, Object>> request(String type, Map<String, Object> body) {
    if (closed.get()) return CompletableFuture.failedFuture(closedException());
    long id = ids.incrementAndGet();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("id", id);
    m.putAll(body);
    Pending p = new Pending();
    pending.put(id, p);
    try {
      synchronized (writeLock) {
        Frames.write(ch, m);
      }
    } catch (IOException | RuntimeException e) {
      pending.remove(id);
      ControlException ce = e instanceof ControlException ? (ControlException) e : new ControlException(ControlException.Code.CLOSED, "send failed: " + e.getMessage(), e);
      if (!(e instanceof ControlException)) shutdown(ce);
      return CompletableFuture.failedFuture(ce);
    }
    if (closed.get()) pending.remove(id); // lost the race with shutdown
    CompletableFuture<Map<String, Object>> f = p.future.copy();
    f = f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionally(t -> {
      pending.remove(id);
      Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
      if (c instanceof java.util.concurrent.TimeoutException) {
        throw new ControlException(ControlException.Code.TIMEOUT, type + " got no answer within " + timeout.toMillis() + " ms");
      }
      if (c instanceof ControlException) throw (ControlException) c;
      throw new ControlException(ControlException.Code.FAILED, type + " failed: " + c, c);
    });
    if (closed.get() && !p.future.isDone()) p.future.completeExceptionally(closedException());
    return f;
  }

  private static <T> Function<Map<String, Object>, T> ok(Function<Map<String, Object>, T> read) {
    return m -> {
      if (!Fields.bool(m, "ok")) {
        String code = Fields.optString(m, "code");
        ControlException.Code c = ControlException.Code.FAILED;
        if (code != null) {
          try {
            c = ControlException.Code.valueOf(code);
          } catch (IllegalArgumentException e) {
            c = ControlException.Code.FAILED;
          }
        }
        throw new ControlException(c, String.valueOf(Fields.optString(m, "message")));
      }
      return read.apply(m);
    };
  }

  void injected(Duration d) {
    this.injectedIn = d;
  }

  @Override
  public java.util.Optional<Duration> injectedIn() {
    return java.util.Optional.ofNullable(injectedIn);
  }

  @Override
  public RuntimeInfo info() {
    return info;
  }

  @Override
  public CompletableFuture<PluginStatus> activate(ActivateRequest request) {
    Map<String, Object> body = Codec.activate(0, request);
    body.remove("type");
    body.remove("id");
    return request(Protocol.ACTIVATE, body).thenApply(ok(m -> Codec.status(Fields.object(m, "status"))));
  }

  @Override
  public CompletableFuture<PluginStatus> deactivate(String pluginId) {
    return request(Protocol.DEACTIVATE, Map.of("pluginId", pluginId)).thenApply(ok(m -> Codec.status(Fields.object(m, "status"))));
  }

  @Override
  public CompletableFuture<List<PluginStatus>> status() {
    return request(Protocol.STATUS, Map.of()).thenApply(ok(m -> {
      List<PluginStatus> out = new ArrayList<>();
      for (Map<String, Object> s : Fields.objects(m, "statuses", 10_000)) out.add(Codec.status(s));
      return List.copyOf(out);
    }));
  }

  @Override
  public CompletableFuture<PluginStatus> traffic(dev.switchboard.control.TrafficRequest request) {
    return request(Protocol.TRAFFIC, TrafficCodec.body(request)).thenApply(ok(m -> Codec.status(Fields.object(m, "status"))));
  }

  @Override
  public CompletableFuture<List<PluginStatus>> checkUnload() {
    return request(Protocol.CHECK_UNLOAD, Map.of()).thenApply(ok(m -> {
      List<PluginStatus> out = new ArrayList<>();
      for (Map<String, Object> s : Fields.objects(m, "statuses", 10_000)) out.add(Codec.status(s));
      return List.copyOf(out);
    }));
  }

  @Override
  public CompletableFuture<List<PluginStatus>> detach() {
    return request(Protocol.DETACH, Map.of()).thenApply(ok(m -> {
      List<PluginStatus> out = new ArrayList<>();
      for (Map<String, Object> s : Fields.objects(m, "statuses", 10_000)) out.add(Codec.status(s));
      return List.copyOf(out);
    }));
  }

  @Override
  public CompletableFuture<Map<String, Object>> stats() {
    return request(Protocol.STATS, Map.of()).thenApply(ok(m -> Fields.object(m, "stats")));
  }

  @Override
  public void onEvent(Consumer<PluginStatus> listener) {
    eventListeners.add(java.util.Objects.requireNonNull(listener, "listener == null"));
  }

  @Override
  public void onClosed(Consumer<Throwable> listener) {
    java.util.Objects.requireNonNull(listener, "listener == null");
    closedListeners.add(listener);
    if (closed.get()) {
      // already closed: still call it exactly once
      if (closedListeners.remove(listener)) listener.accept(closeCause);
    }
  }

  @Override
  public boolean isOpen() {
    return !closed.get();
  }

  private ControlException closedException() {
    return new ControlException(ControlException.Code.CLOSED, "connection to host " + info.hostPid() + " is closed"
        + (closeCause == null ? "" : ": " + closeCause.getMessage()));
  }

  private void shutdown(Throwable cause) {
    if (!closed.compareAndSet(false, true)) return;
    closeCause = cause;
    ServerCore.closeQuietly(ch);
    ControlException ce = closedException();
    for (Long id : new ArrayList<>(pending.keySet())) {
      Pending p = pending.remove(id);
      if (p != null) delivery.execute(() -> p.future.completeExceptionally(ce));
    }
    delivery.execute(() -> {
      for (Consumer<Throwable> l : closedListeners) {
        if (!closedListeners.remove(l)) continue;
        try {
          l.accept(cause);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "switchboard control: closed listener failed", e);
        }
      }
    });
    delivery.shutdown();
  }

  @Override
  public void close() {
    shutdown(null);
  }
}
