package dev.switchboard.control.internal;

import dev.switchboard.control.RuntimeInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Preparation of the control client ahead of its first real use (see {@code RuntimeClient.prepare()}). */
final class ClientPreparation {
  private ClientPreparation() {}

  /**
   * A handshake with ourselves over a private Unix socket: loads and runs once everything {@link
   * ClientConnection#open} uses (socket channel, peer credentials, frames, JSON, codec), so the first real
   * handshake does not pay for it.
   */
  static void run() {
    Path dir = null;
    try {
      Path base = Path.of(System.getProperty("java.io.tmpdir"));
      if (base.toString().length() > 60) base = Path.of("/tmp"); // a Unix socket path has at most 107 bytes
      dir = Files.createTempDirectory(base, "switchboard-prepare-");
      Path sock = dir.resolve("p.sock");
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(sock));
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          c.connect(UnixDomainSocketAddress.of(sock));
          try (SocketChannel s = server.accept()) {
            long me = ProcessHandle.current().pid();
            String impostor = ClientConnection.checkServerUser(c, me);
            if (impostor != null) throw new IllegalStateException("own socket " + impostor);
            Map<String, Object> hello = new LinkedHashMap<>();
            hello.put("type", Protocol.HELLO);
            hello.put("protocol", (long) Protocol.VERSION);
            hello.put("token", ControlFiles.newToken());
            Frames.write(c, hello);
            Fields.string(Frames.read(s), "token");
            Frames.write(s, Codec.info(new RuntimeInfo("prepare", Protocol.VERSION, "1", me, Runtime.version().toString())));
            Codec.info(Frames.read(c));
          }
        }
      } finally {
        Files.deleteIfExists(sock);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("preparing the control client failed: " + e.getMessage(), e);
    } finally {
      if (dir != null) {
        try {
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          System.getLogger("dev.switchboard.control.client").log(System.Logger.Level.DEBUG, "cannot remove " + dir + ": " + e);
        }
      }
    }
  }

}
