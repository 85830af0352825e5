/**
 * Store adapters: one watched key space over etcd (jetcd) or ZooKeeper (Apache Curator).
 *
 * <p>This is the first step of the flow <em>flag → store adapter → desired state → reconciler →
 * control channel → runtime → extension point</em>, and the one layer the sidecar and the bridge
 * share. Users see {@link dev.switchboard.store.KeySpace}: reads, fenced writes, keys that die
 * with the client, and a watch that delivers one ordered stream of {@link
 * dev.switchboard.store.Change}s plus connection state.
 *
 * <ul>
 *   <li>Open one with {@link dev.switchboard.store.KeySpaces#etcd} / {@link
 *       dev.switchboard.store.KeySpaces#zookeeper} and {@link dev.switchboard.store.EtcdOptions} /
 *       {@link dev.switchboard.store.ZooKeeperOptions} (builders: endpoints or connect string,
 *       {@code maxValueBytes} (default 512 KiB), {@code operationTimeout}, lease TTL / session
 *       timeout).
 *   <li>{@link dev.switchboard.store.Keys}: the name rule {@code [a-z0-9][a-z0-9._-]{0,62}} and
 *       path validation (no empty segment, no trailing {@code /}, no {@code .}/{@code ..}, valid
 *       UTF-8), used by every component.
 *   <li>Keys bound to a session or lease (ZooKeeper ephemeral znodes, etcd leased keys — e.g. the
 *       agents' status keys) are flagged {@link dev.switchboard.store.Entry#ephemeral()} / {@link
 *       dev.switchboard.store.Change#ephemeral()}. {@code list} returns them (flagged); a watch
 *       reports another client's ones through {@code onSkipped} unless it was opened with {@link
 *       dev.switchboard.store.WatchOptions#withEphemeral()} (e.g. {@code ctl status --watch}); the
 *       adapter's own {@code putLive} keys are always delivered.
 *   <li>Listeners are called on the watch's own thread ({@code switchboard-etcd-watch<prefix>} /
 *       {@code switchboard-zk-watch<prefix>}), in store order, never under a lock of the adapter;
 *       what a listener throws is logged, never kills the watch.
 * </ul>
 */
package dev.switchboard.store;
