package dev.switchboard.control.server;

import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.internal.ControlFiles;
import dev.switchboard.control.internal.Protocol;
import dev.switchboard.control.internal.ServerCore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The runtime's end of the control channel: listens on {@code <controlDir>/<pid>.sock}, publishes the token in
 * {@code <controlDir>/<pid>.token} (both mode 0600), accepts only connections from the host's user that present
 * the token and speak {@link #PROTOCOL_VERSION}, serves their requests through a {@link ControlHandler} and
 * pushes state changes to them. A refused or malformed connection is logged and closed and changes nothing;
 * plugins keep running when every controller is gone.
 */
public final class ControlServer implements AutoCloseable {
  /** The message protocol version this server speaks (exchanged in the handshake). */
  public static final int PROTOCOL_VERSION = Protocol.VERSION;

  private final ServerCore core;

  private ControlServer(ServerCore core) {
    this.core = core;
  }

  /** A fresh per-injection token: 32 random bytes as 64 lowercase hex digits. */
  public static String newToken() {
    return ControlFiles.newToken();
  }

  /**
   * Starts serving for the JVM {@code pid}.
   *
   * @param token from {@link #newToken()}; written to the token file
   * @throws IOException when the directory, the token file or the socket cannot be made
   */
  public static ControlServer start(Path controlDir, long pid, String token, ControlHandler handler) throws IOException {
    return new ControlServer(ServerCore.start(controlDir, pid, token, handler));
  }

  /** The Unix socket's path. */
  public Path socket() {
    return core.socket();
  }

  /** The token file's path. */
  public Path tokenFile() {
    return core.tokenFile();
  }

  /** True while the socket and token files exist and the server is open (files may be removed from outside). */
  public boolean isPublished() {
    return core.isPublished();
  }

  /** Authenticated controllers connected now. */
  public int controllers() {
    return core.controllers();
  }

  /** Pushes a state change to every authenticated controller, never blocking on a slow one. */
  public void publish(PluginStatus status) {
    core.publish(status);
  }

  /**
   * Like {@link #close()}, but every connection first writes what it has queued (at most {@code millis} per
   * connection): the answer to a detach request still reaches its client.
   */
  public void closeGracefully(long millis) {
    core.closeGracefully(millis);
  }

  /** Closes every connection and removes the socket and (when still ours) the token file. */
  @Override
  public void close() {
    core.close();
  }
}
