package dev.switchboard.it.e2e;

import java.io.IOException;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * ZooKeeper faults of another process: the owner session of an ephemeral znode, and expiring that session
 * the way ZooKeeper's own tests do — a second client joins the session with its id and password and closes
 * it, so the server closes the session exactly as on a timeout (ephemerals gone, watches dropped) and the
 * owner gets SESSIONEXPIRED on its next contact. The password is derived from the session id by the server
 * ({@code ZooKeeperServer.generatePasswd}: {@code new Random(id ^ 0xB3415C00L).nextBytes(16)}), which is
 * why this needs nothing from the process whose session it ends.
 */
final class FaultZooKeeper {
  private static final long SUPER_SECRET = 0xB3415C00L;

  private FaultZooKeeper() {}

  /** Session id that owns the ephemeral node {@code path}; 0 when the node is absent or not ephemeral. */
  static long ephemeralOwner(String connectString, String path) throws Exception {
    try (ZooKeeper zk = connect(connectString, 0, null)) {
      Stat stat = zk.exists(path, false);
      return stat == null ? 0 : stat.getEphemeralOwner();
    }
  }

  /** Ends session {@code sessionId} on the ensemble, as an expiry would. */
  static void expire(String connectString, long sessionId) throws Exception {
    if (sessionId == 0) {
      throw new IllegalArgumentException("sessionId == 0 (no session owns that node)");
    }
    ZooKeeper zk = connect(connectString, sessionId, password(sessionId));
    zk.close(); // closeSession: the server ends the session for every client that holds it
  }

  static byte[] password(long sessionId) {
    byte[] p = new byte[16];
    new Random(sessionId ^ SUPER_SECRET).nextBytes(p);
    return p;
  }

  private static ZooKeeper connect(String connectString, long sessionId, byte[] password) throws IOException, InterruptedException {
    CountDownLatch connected = new CountDownLatch(1);
    Watcher w = e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    };
    ZooKeeper zk = password == null
        ? new ZooKeeper(connectString, 10_000, w)
        : new ZooKeeper(connectString, 10_000, w, sessionId, password);
    if (!connected.await(20, TimeUnit.SECONDS)) {
      zk.close();
      throw new IOException("no ZooKeeper connection to " + connectString + " within 20 s"
          + (password == null ? "" : " for session 0x" + Long.toHexString(sessionId) + " (already expired?)"));
    }
    return zk;
  }

  /**
   * Index (in {@code clientPorts}) of the server that holds a connection of session {@code sessionId} ({@code cons}
   * lists {@code sid=0x...} per connection); -1 when none does.
   */
  static int serverHolding(java.util.List<Integer> clientPorts, long sessionId) {
    String sid = "sid=" + hex(sessionId) + ",";
    for (int i = 0; i < clientPorts.size(); i++) {
      String answer = dev.switchboard.testkit.internal.Probes.fourLetterWord(clientPorts.get(i), "cons");
      if (answer != null && answer.contains(sid)) {
        return i;
      }
    }
    return -1;
  }

  static String hex(long sessionId) {
    return "0x" + Long.toHexString(sessionId);
  }

  /** Mode of one server from {@code srvr} ("leader", "follower", "standalone"), or null when it does not answer. */
  static String mode(int clientPort) {
    String answer = dev.switchboard.testkit.internal.Probes.fourLetterWord(clientPort, "srvr");
    if (answer == null) {
      return null;
    }
    for (String line : answer.split("\n")) {
      if (line.startsWith("Mode: ")) {
        return line.substring(6).trim();
      }
    }
    return null;
  }

}
