package dev.switchboard.store;

/**
 * Connection state of a {@link KeySpace}, as its users must see it.
 *
 * <ul>
 *   <li>{@code CONNECTING}: started, not yet connected; nothing read yet.
 *   <li>{@code CONNECTED}: connected and every watch has caught up (snapshot delivered).
 *   <li>{@code DISCONNECTED}: the connection (or the etcd leader) is gone; the last view may be
 *       stale and must not be presented as fresh. Watches resume and resync on reconnect.
 *   <li>{@code CLOSED}: closed by its owner; terminal.
 * </ul>
 */
public enum StoreState {
  CONNECTING,
  CONNECTED,
  DISCONNECTED,
  CLOSED
}
