package dev.switchboard.bridge.config;

import dev.switchboard.bridge.mapping.Mapping;
import dev.switchboard.bridge.merge.Side;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.StoreSecurity;
import dev.switchboard.store.ZooKeeperOptions;
import java.time.Duration;
import java.util.List;

/**
 * The bridge's validated configuration (docs/reference.md §6). Build it with {@link ConfigLoader}.
 *
 * @param root key root, default {@code /switchboard}
 * @param id this bridge process's name in the leader key and logs
 * @param etcdEndpoints etcd client URLs
 * @param zkConnect ZooKeeper connect string
 * @param zkSessionTimeout ZooKeeper session timeout
 * @param httpHost address of the HTTP endpoint (127.0.0.1 by default)
 * @param httpPort its port (0: any free port)
 * @param conflictWinner the store whose value wins a conflict (default etcd)
 * @param antiEntropyInterval period of the full comparison
 * @param leaderTtl TTL of the leader lease: the failover bound
 * @param maxValueBytes values above this are skipped (both stores)
 * @param workers keys merged in parallel (one key is never merged twice at once)
 * @param mappings extra mappings besides {@code <root>/services/**}
 * @param security TLS, users and ACLs for both stores ({@link StoreSecurity#NONE}: plain)
 */
public record BridgeConfig(
    String root,
    String id,
    List<String> etcdEndpoints,
    String zkConnect,
    Duration zkSessionTimeout,
    String httpHost,
    int httpPort,
    Side conflictWinner,
    Duration antiEntropyInterval,
    Duration leaderTtl,
    int maxValueBytes,
    int workers,
    List<Mapping> mappings,
    StoreSecurity security) {
  public BridgeConfig {
    etcdEndpoints = List.copyOf(etcdEndpoints);
    mappings = List.copyOf(mappings);
    security = security == null ? StoreSecurity.NONE : security;
  }

  /** Without store security. */
  public BridgeConfig(String root, String id, List<String> etcdEndpoints, String zkConnect, Duration zkSessionTimeout, String httpHost,
      int httpPort, Side conflictWinner, Duration antiEntropyInterval, Duration leaderTtl, int maxValueBytes, int workers, List<Mapping> mappings) {
    this(root, id, etcdEndpoints, zkConnect, zkSessionTimeout, httpHost, httpPort, conflictWinner, antiEntropyInterval, leaderTtl,
        maxValueBytes, workers, mappings, StoreSecurity.NONE);
  }

  public BridgeConfig withSecurity(StoreSecurity s) {
    return new BridgeConfig(root, id, etcdEndpoints, zkConnect, zkSessionTimeout, httpHost, httpPort, conflictWinner, antiEntropyInterval,
        leaderTtl, maxValueBytes, workers, mappings, s);
  }

  /** etcd client options: the key space, the ledger and the leader election all use these. */
  public EtcdOptions etcdOptions() {
    return security.apply(EtcdOptions.builder().endpoints(etcdEndpoints).maxValueBytes(maxValueBytes)).build();
  }

  public ZooKeeperOptions zookeeperOptions() {
    return security.apply(ZooKeeperOptions.builder(zkConnect).maxValueBytes(maxValueBytes).sessionTimeout(zkSessionTimeout)).build();
  }

  /** Where the bridge keeps its own state in etcd (never bridged): {@code <root>/bridge}. */
  public String bridgePrefix() {
    return ("/".equals(root) ? "" : root) + "/bridge";
  }

  public String ledgerPrefix() {
    return bridgePrefix() + "/ledger";
  }

  public String leaderKey() {
    return bridgePrefix() + "/leader";
  }
}
