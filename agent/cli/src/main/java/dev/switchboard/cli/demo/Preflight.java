package dev.switchboard.cli.demo;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Checks before anything starts: free ports, binaries and dist/ files present. */
final class Preflight {
  private Preflight() {}

  /** Throws naming the first port that is taken and the flag that moves it. */
  static void portsFree(DemoOptions o) {
    Map<String, int[]> ports = new LinkedHashMap<>();
    ports.put("etcd client (--etcd-port)", new int[] {o.etcdPort()});
    ports.put("etcd peer (--etcd-peer-port)", new int[] {o.etcdPeerPort()});
    ports.put("ZooKeeper (--zookeeper-port)", new int[] {o.zookeeperPort()});
    ports.put("sample host (--host-port)", new int[] {o.hostPort()});
    ports.put("agent HTTP (--agent-port)", new int[] {o.agentPort()});
    ports.put("bridge HTTP (--bridge-port)", new int[] {o.bridgePort()});
    ports.put("fleet console (--console-port)", new int[] {o.consolePort()});
    Map<Integer, String> seen = new LinkedHashMap<>();
    for (var e : ports.entrySet()) {
      int p = e.getValue()[0];
      String before = seen.putIfAbsent(p, e.getKey());
      if (before != null) {
        throw new DemoException(DemoException.Code.PORT_IN_USE,
            "port " + p + " is given twice: " + before + " and " + e.getKey());
      }
      if (!free(p)) {
        throw new DemoException(DemoException.Code.PORT_IN_USE,
            "port " + p + " for " + e.getKey() + " is already in use on 127.0.0.1"
                + " (another demo still running? stop it, or pick another port with the flag named)");
      }
    }
  }

  /**
   * Whether a server could listen on the port now. Binds with address reuse, as the demo's servers do: a port
   * whose connections from an earlier run are only in TIME_WAIT is free; one with a listener is not.
   */
  static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The etcd executable: a path, or a name found on PATH. */
  static Path etcd(String binary) {
    Optional<Path> found = onPath(binary);
    return found.orElseThrow(() -> new DemoException(DemoException.Code.MISSING_BINARY,
        "the etcd binary '" + binary + "' was not found" + (binary.contains("/") ? "" : " on PATH")
            + ". Install it (Debian/Ubuntu: apt-get install -y etcd-server; elsewhere:"
            + " https://github.com/etcd-io/etcd/releases) or name it with --etcd-binary PATH."
            + " scripts/demo.sh installs it when run as root."));
  }

  static Optional<Path> onPath(String binary) {
    if (binary.contains("/")) {
      Path p = Path.of(binary);
      return Files.isExecutable(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path == null) return Optional.empty();
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path p = Path.of(dir, binary);
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  static Path file(Path p, String what) {
    if (!Files.isRegularFile(p)) {
      throw new DemoException(DemoException.Code.MISSING_FILE,
          what + " is missing: " + p + " (build it: mvn -q -DskipTests package, or run scripts/demo.sh)");
    }
    return p;
  }

  /** The java executable running this JVM, for the children. */
  static Path java() {
    Path p = Path.of(System.getProperty("java.home"), "bin", "java");
    if (!Files.isExecutable(p)) {
      throw new DemoException(DemoException.Code.MISSING_BINARY, "cannot find the java executable at " + p);
    }
    return p;
  }
}
