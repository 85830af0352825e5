package dev.switchboard.testkit;

import dev.switchboard.testkit.internal.ManagedNode;
import dev.switchboard.testkit.internal.ZooKeeperNodes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A real ZooKeeper (standalone server or an ensemble) for a test.
 *
 * <pre>{@code
 * @RegisterExtension static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.single();   // or servers(3)
 * ... CuratorFrameworkFactory.newClient(zk.connectString(), retryPolicy);
 * zk.server(0).kill(); ... zk.server(0).start();   // same ports, same data
 * }</pre>
 *
 * <p>Docker mode (default) runs {@link TestkitSettings#zookeeperImage()} on the host network with a generated
 * {@code /conf/zoo.cfg}; local mode runs {@code QuorumPeerMain} in child JVMs built from this JVM's class path.
 * Servers use {@code tickTime=1000}, so negotiated session timeouts lie between 2 s and 20 s.
 */
public final class ZooKeeperEnsemble extends ServerGroup {

    /** One ZooKeeper server. */
    public interface Server extends ServerControl {

        /** The server id ({@code myid}): index + 1. */
        int id();

        /** {@code 127.0.0.1:<client port>} of this server only. */
        String connectString();

        int clientPort();
    }

    private volatile ZooKeeperNodes current;

    private ZooKeeperEnsemble(int size) {
        super(size, "ZooKeeper ensemble");
    }

    /** A standalone ZooKeeper server. */
    public static ZooKeeperEnsemble single() {
        return new ZooKeeperEnsemble(1);
    }

    /** An ensemble of {@code count} servers (1..7; use 3 for quorum tests). */
    public static ZooKeeperEnsemble servers(int count) {
        return new ZooKeeperEnsemble(count);
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,...} for every server. */
    public String connectString() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            parts.add(server(i).connectString());
        }
        return String.join(",", parts);
    }

    /** Server {@code index} (0-based; its ZooKeeper id is index + 1). */
    public Server server(int index) {
        ManagedNode node = node(index);
        return new ServerHandle(node, index + 1, current.clientPort(index));
    }

    @Override
    List<ManagedNode> createNodes(int attempt) {
        ZooKeeperNodes nodes = ZooKeeperNodes.create(size(), TestkitSettings.mode());
        current = nodes;
        return nodes.nodes();
    }

    @Override
    String describe() {
        return "ZooKeeper " + current.connectString();
    }

    private static final class ServerHandle implements Server {
        private final ManagedNode node;
        private final int id;
        private final int clientPort;

        ServerHandle(ManagedNode node, int id, int clientPort) {
            this.node = node;
            this.id = id;
            this.clientPort = clientPort;
        }

        @Override public int id() { return id; }
        @Override public String connectString() { return "127.0.0.1:" + clientPort; }
        @Override public int clientPort() { return clientPort; }
        @Override public String name() { return node.name(); }
        @Override public NodeState state() { return node.state(); }
        @Override public void start() { node.start(); }
        @Override public CompletableFuture<Void> startAsync() { return node.startAsync(); }
        @Override public void stop() { node.stop(); }
        @Override public void kill() { node.kill(); }
        @Override public void pause() { node.pause(); }
        @Override public void unpause() { node.unpause(); }
        @Override public String toString() { return node.name() + "@" + connectString() + " " + node.state(); }
    }
}
