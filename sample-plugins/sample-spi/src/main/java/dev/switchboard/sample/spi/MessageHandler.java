package dev.switchboard.sample.spi;

import java.util.Set;

/**
 * The sample message host's extension interface: for every consumed message the host calls, in
 * registration order, each active {@code MessageHandler} whose {@link #topics()} contain the
 * message's topic (through {@code dev.switchboard.api.Extensions.point(MessageHandler.class)}), and
 * commits the message's offset only after every one of them returned. One message is seen by one
 * version of a plugin: during an upgrade the old version or the new one, never both and never
 * neither; deactivation and upgrade wait for the handler calls in flight before the old version
 * stops.
 */
public interface MessageHandler {
  /** The topics this handler handles (read on every message: keep it a constant or a final field). */
  Set<String> topics();

  /**
   * Handles one message. Returning means done: the host may commit the offset. An exception is
   * printed by the host with the message id ({@code HANDLER_FAILED}); the message is not retried
   * (retry inside the handler when that is wanted) and the other handlers still see it.
   */
  void handle(Message message) throws Exception;
}
