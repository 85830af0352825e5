package dev.switchboard.control.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.control.ControlException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime refuses another user's connection at once (before reading the hello) and closes. A client whose hello is
 * written only after that close must still report the refusal (UNAUTHORIZED with the runtime's reason), not a dead
 * socket: found by the e2e scenario "a foreign process cannot drive the runtime", where the CLI said "no runtime
 * attached" (exit 0) to a refused process of another uid.
 */
class ImmediateRefusalTest {
  @TempDir Path dir;

  static final Map<String, Object> REFUSAL =
      Map.of("type", Protocol.ERROR, "code", "UNAUTHORIZED", "message", "peer user 1000 is not the host's user nobody");

  @Test
  void anErrorFrameSentBeforeTheCloseIsReadAfterOurOwnWriteFailed() throws Exception {
    Path path = dir.resolve("1.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        client.connect(UnixDomainSocketAddress.of(path));
        try (SocketChannel accepted = server.accept()) {
          Frames.write(accepted, REFUSAL);
        }
        // the peer is gone: writing the hello now fails (EPIPE) or lands nowhere
        try {
          Frames.write(client, Map.of("type", Protocol.HELLO, "protocol", (long) Protocol.VERSION, "token", "ab".repeat(32)));
        } catch (java.io.IOException expected) {
          // the case the fix is about
        }
        Map<String, Object> pending = ClientConnection.pendingError(client);
        assertThat(pending).isNotNull();
        assertThat(pending.get("code")).isEqualTo("UNAUTHORIZED");
        assertThat(pending.get("message")).isEqualTo("peer user 1000 is not the host's user nobody");
      }
    }
  }

  @Test
  void openReportsAnImmediateRefusalAsUnauthorized() throws Exception {
    Path path = dir.resolve("2.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      CompletableFuture<Void> refuser = CompletableFuture.runAsync(() -> {
        try (SocketChannel accepted = server.accept()) {
          Frames.write(accepted, REFUSAL);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertThatThrownBy(() -> ClientConnection.open(path, "ab".repeat(32), ProcessHandle.current().pid(), Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.code()).isEqualTo(ControlException.Code.UNAUTHORIZED))
          .hasMessageContaining("peer user 1000 is not the host's user nobody");
      refuser.get(10, TimeUnit.SECONDS);
    }
    assertThat(Files.exists(path)).isTrue();
  }
}
