package dev.switchboard.sidecar.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The agent's configuration (docs/reference.md §6), validated. Build it with {@link ConfigLoader}.
 *
 * @param etcdEndpoints null when etcd is not configured
 * @param zookeeperConnect null when ZooKeeper is not configured
 * @param prefer {@code etcd} or {@code zookeeper}: the store that wins while both are connected
 * @param hostPid exactly one of hostPid, hostPidFile, hostMatch is set
 * @param runtimeJar {@code switchboard-runtime.jar} injected into the host
 * @param maxArtifactBytes largest plugin jar accepted
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
    long maxArtifactBytes) {
  public AgentConfig {
    etcdEndpoints = etcdEndpoints == null ? null : List.copyOf(etcdEndpoints);
    hostExports = List.copyOf(hostExports);
  }
}
