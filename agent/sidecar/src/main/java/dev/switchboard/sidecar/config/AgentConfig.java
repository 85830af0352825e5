package dev.switchboard.sidecar.config;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.StoreSecurity;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.sidecar.artifact.ArtifactTrust;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The agent's configuration (docs/reference.md §6), validated. Build it with {@link ConfigLoader}.
 *
 * @param etcdEndpoints null when etcd is not configured
 * @param zookeeperConnect null when ZooKeeper is not configured
 * @param prefer {@code etcd} or {@code zookeeper}: the store that wins while both are connected
 * @param hostPid exactly one of hostPid, hostPidFile, hostMatch is set
 * @param runtimeJar {@code switchboard-runtime.jar} injected into the host
 * @param maxArtifactBytes largest plugin jar accepted
 * @param artifactTrust trusted signing keys (loaded) and whether a signature is required
 * @param security TLS, users and ACLs for the stores ({@link StoreSecurity#NONE}: plain)
 */
public record AgentConfig(
    String service,
    String node,
    String root,
    List<String> etcdEndpoints,
    String zookeeperConnect,
    String prefer,
    Long hostPid,
    Path hostPidFile,
    String hostMatch,
    List<String> hostExports,
    Path cacheDir,
    Path controlDir,
    String httpHost,
    int httpPort,
    Path runtimeJar,
    long maxArtifactBytes,
    ArtifactTrust artifactTrust,
    StoreSecurity security) {
  public AgentConfig {
    etcdEndpoints = etcdEndpoints == null ? null : List.copyOf(etcdEndpoints);
    hostExports = List.copyOf(hostExports);
    Objects.requireNonNull(artifactTrust, "artifactTrust == null");
    security = security == null ? StoreSecurity.NONE : security;
  }

  /** Without store security. */
  public AgentConfig(String service, String node, String root, List<String> etcdEndpoints, String zookeeperConnect,
      String prefer, Long hostPid, Path hostPidFile, String hostMatch, List<String> hostExports, Path cacheDir,
      Path controlDir, String httpHost, int httpPort, Path runtimeJar, long maxArtifactBytes, ArtifactTrust artifactTrust) {
    this(service, node, root, etcdEndpoints, zookeeperConnect, prefer, hostPid, hostPidFile, hostMatch, hostExports,
        cacheDir, controlDir, httpHost, httpPort, runtimeJar, maxArtifactBytes, artifactTrust, StoreSecurity.NONE);
  }

  /** Without trusted keys (signatures not required) and without store security. */
  public AgentConfig(String service, String node, String root, List<String> etcdEndpoints, String zookeeperConnect,
      String prefer, Long hostPid, Path hostPidFile, String hostMatch, List<String> hostExports, Path cacheDir,
      Path controlDir, String httpHost, int httpPort, Path runtimeJar, long maxArtifactBytes) {
    this(service, node, root, etcdEndpoints, zookeeperConnect, prefer, hostPid, hostPidFile, hostMatch, hostExports,
        cacheDir, controlDir, httpHost, httpPort, runtimeJar, maxArtifactBytes, ArtifactTrust.none(), StoreSecurity.NONE);
  }

  /** The etcd client options (null when etcd is not configured). */
  public EtcdOptions etcdOptions() {
    return etcdEndpoints == null ? null : security.apply(EtcdOptions.builder().endpoints(etcdEndpoints)).build();
  }

  /** The ZooKeeper client options (null when ZooKeeper is not configured). */
  public ZooKeeperOptions zookeeperOptions() {
    return zookeeperConnect == null ? null : security.apply(ZooKeeperOptions.builder(zookeeperConnect)).build();
  }
}
