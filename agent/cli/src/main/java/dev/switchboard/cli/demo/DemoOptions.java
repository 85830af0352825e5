package dev.switchboard.cli.demo;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one demo run.
 *
 * @param dist the directory holding switchboard.jar, sample-host.jar and plugins/
 * @param workDir where every component keeps its data and logs (kept after the demo)
 * @param etcdBinary the etcd executable (a name looked up on PATH, or a path)
 * @param consolePort the fleet console's page (http://127.0.0.1:PORT/)
 * @param exitAfterFlips stop cleanly after both flips instead of waiting for Ctrl-C
 * @param flipTimeout how long to wait for each flip to become visible
 */
public record DemoOptions(
    Path dist,
    Path workDir,
    String etcdBinary,
    int etcdPort,
    int etcdPeerPort,
    int zookeeperPort,
    int hostPort,
    int agentPort,
    int bridgePort,
    int consolePort,
    boolean exitAfterFlips,
    Duration flipTimeout) {
  public DemoOptions {
    for (int p : new int[] {etcdPort, etcdPeerPort, zookeeperPort, hostPort, agentPort, bridgePort, consolePort}) {
      if (p < 1 || p > 65535) throw new IllegalArgumentException("port outside 1..65535: " + p);
    }
  }

  public String etcdUrl() {
    return "http://127.0.0.1:" + etcdPort;
  }

  public String consoleUrl() {
    return "http://127.0.0.1:" + consolePort + "/";
  }

  public String zookeeperConnect() {
    return "127.0.0.1:" + zookeeperPort;
  }
}
