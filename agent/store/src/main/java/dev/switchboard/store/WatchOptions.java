package dev.switchboard.store;

/**
 * Options of a watch.
 *
 * @param includeEphemeral deliver keys bound to another client's session/lease (ZooKeeper
 *     ephemeral znodes, etcd leased keys) as changes flagged {@link Change#ephemeral()}; when false
 *     (the default) they are reported once through {@link WatchListener#onSkipped} and not delivered.
 *     The adapter's own live keys ({@link KeySpace#putLive}) are always delivered.
 */
public record WatchOptions(boolean includeEphemeral) {
  public static final WatchOptions DEFAULTS = new WatchOptions(false);

  /** Watch status keys too (e.g. {@code ctl status --watch}). */
  public static WatchOptions withEphemeral() {
    return new WatchOptions(true);
  }
}
