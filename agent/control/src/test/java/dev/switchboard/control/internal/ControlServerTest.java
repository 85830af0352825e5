package dev.switchboard.control.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeClient;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.control.RuntimeInfo;
import dev.switchboard.control.UnloadOutcome;
import dev.switchboard.control.server.ControlHandler;
import dev.switchboard.control.server.ControlServer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client and server over a real Unix socket; the plugin side is a recording fake. */
class ControlServerTest {
  @TempDir Path dir;
  final long pid = ProcessHandle.current().pid();
  final FakeHandler handler = new FakeHandler();
  ControlServer server;
  String token;

  static final class FakeHandler implements ControlHandler {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public RuntimeInfo info() {
      return new RuntimeInfo("0.1.0-test", Protocol.VERSION, "1.0", ProcessHandle.current().pid(), "17");
    }

    @Override
    public CompletableFuture<PluginStatus> activate(ActivateRequest r) {
      calls.incrementAndGet();
      if (r.pluginId().equals("boom")) return CompletableFuture.failedFuture(new IllegalStateException("start threw: boom"));
      return CompletableFuture.completedFuture(new PluginStatus(r.pluginId(), PluginState.ACTIVE, "1.0.0", r.sha256(), "2026-11-25T00:00:00Z", null, null, List.of()));
    }

    @Override
    public CompletableFuture<PluginStatus> deactivate(String id) {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture(new PluginStatus(id, PluginState.INACTIVE, null, null, null, null, UnloadOutcome.COLLECTED, List.of("t-1")));
    }

    @Override
    public List<PluginStatus> statuses() {
      calls.incrementAndGet();
      return List.of(new PluginStatus("a", PluginState.ACTIVE, "1", null, null, null, null, null));
    }

    @Override
    public Map<String, Object> stats() {
      return Map.of("activations", 3L);
    }
  }

  @BeforeEach
  void start() throws Exception {
    token = ControlFiles.newToken();
    server = ControlServer.start(dir, pid, token, handler);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RuntimeConnection connect() {
    return RuntimeClient.builder().controlDir(dir).runtimeJar(dir.resolve("unused.jar")).timeout(Duration.ofSeconds(10)).build().connect(pid);
  }

  @Test
  void filesArePrivateAndTheHandshakeAnswersRuntimeInfo() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket()))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.tokenFile()))).isEqualTo("rw-------");
    assertThat(ControlFiles.readToken(server.tokenFile())).isEqualTo(token);
    try (RuntimeConnection c = connect()) {
      assertThat(c.info().runtimeVersion()).isEqualTo("0.1.0-test");
      assertThat(c.injectedIn()).isEmpty(); // re-adopted, not injected
    }
  }

  @Test
  void requestsAreAnsweredAndFailuresCarryTheReason() throws Exception {
    try (RuntimeConnection c = connect()) {
      String sha = "ab".repeat(32);
      PluginStatus s = c.activate(new ActivateRequest("p", "/x.jar", sha, "{\"q\":1}")).get(5, TimeUnit.SECONDS);
      assertThat(s.state()).isEqualTo(PluginState.ACTIVE);
      assertThat(s.sha256()).isEqualTo(sha);
      assertThatThrownBy(() -> c.activate(new ActivateRequest("boom", "/x.jar", sha, "{}")).join())
          .hasCauseInstanceOf(ControlException.class)
          .hasMessageContaining("start threw: boom");
      PluginStatus d = c.deactivate("p").get(5, TimeUnit.SECONDS);
      assertThat(d.unload()).isEqualTo(UnloadOutcome.COLLECTED);
      assertThat(d.leakedThreads()).containsExactly("t-1");
      assertThat(c.status().get(5, TimeUnit.SECONDS)).extracting(PluginStatus::pluginId).containsExactly("a");
      assertThat(c.stats().get(5, TimeUnit.SECONDS)).containsEntry("activations", 3L);
    }
  }

  @Test
  void eventsArePushedToEveryController() throws Exception {
    try (RuntimeConnection a = connect(); RuntimeConnection b = connect()) {
      List<PluginStatus> seenA = new CopyOnWriteArrayList<>();
      List<PluginStatus> seenB = new CopyOnWriteArrayList<>();
      a.onEvent(seenA::add);
      b.onEvent(seenB::add);
      a.status().get(5, TimeUnit.SECONDS);
      b.status().get(5, TimeUnit.SECONDS);
      server.publish(new PluginStatus("x", PluginState.STARTING, "1", null, null, null, null, null));
      waitFor(() -> seenA.size() == 1 && seenB.size() == 1);
      assertThat(seenA.get(0).state()).isEqualTo(PluginState.STARTING);
    }
  }

  @Test
  void wrongTokenIsRefusedAndChangesNothing() throws Exception {
    Files.writeString(server.tokenFile(), ControlFiles.newToken());
    assertThatThrownBy(this::connect)
        .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.code()).isEqualTo(ControlException.Code.UNAUTHORIZED))
        .hasMessageContaining("wrong or missing token");
    assertThat(handler.calls.get()).isZero();
    assertThat(server.controllers()).isZero();
  }

  @Test
  void requestBeforeHelloIsRefusedWithoutReachingTheHandler() throws Exception {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(server.socket()));
      Frames.write(ch, Map.of("type", "deactivate", "id", 1L, "pluginId", "p"));
      Map<String, Object> answer = Frames.read(ch);
      assertThat(answer).containsEntry("type", "error").containsEntry("code", "UNAUTHORIZED");
      assertThat(Frames.read(ch)).isNull(); // closed
    }
    assertThat(handler.calls.get()).isZero();
  }

  @Test
  void malformedFrameClosesOnlyThatConnection() throws Exception {
    try (RuntimeConnection good = connect(); SocketChannel bad = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      bad.connect(UnixDomainSocketAddress.of(server.socket()));
      bad.write(ByteBuffer.wrap(new byte[] {1, 0x7f, 0, 0, 0, 1, 2, 3}));
      Map<String, Object> answer = Frames.read(bad);
      assertThat(answer).containsEntry("type", "error").containsEntry("code", "PROTOCOL");
      assertThat(good.status().get(5, TimeUnit.SECONDS)).hasSize(1);
      try (RuntimeConnection again = connect()) {
        assertThat(again.isOpen()).isTrue();
      }
    }
  }

  @Test
  void malformedRequestAfterHandshakeClosesThatConnection() throws Exception {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(server.socket()));
      Frames.write(ch, Map.of("type", "hello", "protocol", 1L, "token", token));
      assertThat(Frames.read(ch)).containsEntry("type", "welcome");
      Frames.write(ch, Map.of("type", "activate", "id", 2L, "pluginId", "p", "jarPath", "/a.jar", "sha256", "XYZ"));
      assertThat(Frames.read(ch)).containsEntry("type", "error").containsEntry("code", "PROTOCOL");
    }
    assertThat(handler.calls.get()).isZero();
  }

  @Test
  void silentConnectionIsClosedAfterTheHandshakeTimeout() throws Exception {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(server.socket()));
      long t0 = System.nanoTime();
      assertThat(Frames.read(ch)).isNull(); // closed by the runtime, nothing sent
      assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(Protocol.HANDSHAKE_TIMEOUT_MILLIS - 100));
    }
    assertThat(handler.calls.get()).isZero();
  }

  @Test
  void wrongProtocolVersionIsRefused() throws Exception {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(server.socket()));
      Frames.write(ch, Map.of("type", "hello", "protocol", 99L, "token", token));
      assertThat(Frames.read(ch)).containsEntry("type", "error").containsEntry("code", "UNAUTHORIZED");
    }
  }

  @Test
  void closedConnectionFailsPendingAndLaterRequestsAndTellsListeners() throws Exception {
    RuntimeConnection c = connect();
    List<Throwable> closed = new CopyOnWriteArrayList<>();
    c.onClosed(t -> closed.add(t == null ? new RuntimeException("null cause") : t));
    server.close();
    waitFor(() -> !c.isOpen());
    waitFor(() -> closed.size() == 1);
    assertThatThrownBy(() -> c.status().join()).hasCauseInstanceOf(ControlException.class).hasMessageContaining("closed");
    assertThat(Files.exists(server.socket())).isFalse();
  }

  @Test
  void connectToMissingPidIsNoSuchProcess() {
    assertThatThrownBy(() -> RuntimeClient.builder().controlDir(dir).runtimeJar(dir.resolve("r.jar")).build().connect(Integer.MAX_VALUE - 3))
        .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.code()).isEqualTo(ControlException.Code.NO_SUCH_PROCESS));
  }

  static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("condition not met within 10 s");
      Thread.sleep(10);
    }
  }
}
