package dev.switchboard.cli.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/** A real standalone ZooKeeper server inside the demo JVM (NIO connections, data on disk). */
final class EmbeddedZooKeeper implements AutoCloseable {
  private final ZooKeeperServer server;
  private final ServerCnxnFactory connections;

  private EmbeddedZooKeeper(ZooKeeperServer server, ServerCnxnFactory connections) {
    this.server = server;
    this.connections = connections;
  }

  static EmbeddedZooKeeper start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
      ZooKeeperServer zks = new ZooKeeperServer(dataDir.toFile(), dataDir.toFile(), 1000);
      ServerCnxnFactory factory = ServerCnxnFactory.createFactory();
      factory.configure(new InetSocketAddress("127.0.0.1", port), 0);
      factory.startup(zks);
      return new EmbeddedZooKeeper(zks, factory);
    } catch (IOException e) {
      throw new DemoException(DemoException.Code.COMPONENT_FAILED,
          "ZooKeeper could not start on 127.0.0.1:" + port + " with data in " + dataDir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoException(DemoException.Code.COMPONENT_FAILED, "interrupted while starting ZooKeeper", e);
    }
  }

  @Override
  public void close() {
    connections.shutdown();
    server.shutdown(true);
  }
}
