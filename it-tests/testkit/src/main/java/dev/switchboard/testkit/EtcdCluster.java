package dev.switchboard.testkit;

import dev.switchboard.testkit.internal.EtcdNodes;
import dev.switchboard.testkit.internal.ManagedNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A real etcd (single member or a cluster) for a test.
 *
 * <pre>{@code
 * @RegisterExtension static final EtcdCluster etcd = EtcdCluster.single();   // or EtcdCluster.members(3)
 * ... Client.builder().endpoints(etcd.endpointList().toArray(String[]::new)).build();
 * etcd.member(0).kill(); ... etcd.member(0).start();   // same ports, same data
 * }</pre>
 *
 * <p>Docker mode (default) runs {@link TestkitSettings#etcdImage()} on the host network; local mode runs the
 * {@code etcd} binary. See {@link TestkitSettings} for the switches.
 */
public final class EtcdCluster extends ServerGroup {

    /** One etcd member. */
    public interface Member extends ServerControl {

        /** {@code http://127.0.0.1:<client port>} */
        String endpoint();

        int clientPort();

        int peerPort();
    }

    private volatile EtcdNodes current;

    private EtcdCluster(int size) {
        super(size, "etcd cluster");
    }

    /** A single-member etcd. */
    public static EtcdCluster single() {
        return new EtcdCluster(1);
    }

    /** An etcd cluster of {@code count} members (1..7; use 3 for quorum tests). */
    public static EtcdCluster members(int count) {
        return new EtcdCluster(count);
    }

    /** Comma-separated client URLs, e.g. {@code http://127.0.0.1:40001,http://127.0.0.1:40003}. */
    public String endpoints() {
        return String.join(",", endpointList());
    }

    /** Client URLs, one per member, in member order. */
    public List<String> endpointList() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            out.add(member(i).endpoint());
        }
        return out;
    }

    /** Member {@code index} (0-based). */
    public Member member(int index) {
        ManagedNode node = node(index);
        EtcdNodes nodes = current;
        return new MemberHandle(node, nodes.clientPort(index), nodes.peerPort(index));
    }

    @Override
    List<ManagedNode> createNodes(int attempt) {
        EtcdNodes nodes = EtcdNodes.create(size(), TestkitSettings.mode());
        current = nodes;
        return nodes.nodes();
    }

    @Override
    String describe() {
        return "etcd " + String.join(",", current.endpoints());
    }

    private static final class MemberHandle implements Member {
        private final ManagedNode node;
        private final int clientPort;
        private final int peerPort;

        MemberHandle(ManagedNode node, int clientPort, int peerPort) {
            this.node = node;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
        }

        @Override public String endpoint() { return "http://127.0.0.1:" + clientPort; }
        @Override public int clientPort() { return clientPort; }
        @Override public int peerPort() { return peerPort; }
        @Override public String name() { return node.name(); }
        @Override public NodeState state() { return node.state(); }
        @Override public void start() { node.start(); }
        @Override public CompletableFuture<Void> startAsync() { return node.startAsync(); }
        @Override public void stop() { node.stop(); }
        @Override public void kill() { node.kill(); }
        @Override public void pause() { node.pause(); }
        @Override public void unpause() { node.unpause(); }
        @Override public String toString() { return node.name() + "@" + endpoint() + " " + node.state(); }
    }
}
