/**
 * Store adapters: one watched key space over etcd (jetcd) or ZooKeeper (Apache Curator).
 *
 * <p>This is the first step of the flow <em>flag → store adapter → desired state → reconciler →
 * control channel → runtime → extension point</em>, and the one layer the sidecar and the bridge
 * share. Users see {@link dev.switchboard.store.KeySpace}: reads, fenced writes, keys that die
 * with the client, and a watch that delivers one ordered stream of {@link
 * dev.switchboard.store.Change}s plus connection state.
 */
package dev.switchboard.store;
