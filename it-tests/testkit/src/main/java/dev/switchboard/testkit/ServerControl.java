package dev.switchboard.testkit;

import java.util.concurrent.CompletableFuture;

/**
 * Fault injection on one real server (an etcd member or a ZooKeeper server). Restarts always reuse the same
 * loopback ports and the same data.
 */
public interface ServerControl {

    /** A short name such as {@code etcd-1} or {@code zk-2}. */
    String name();

    /** The state as last moved by the kit. */
    NodeState state();

    /** Starts (or restarts) the server on its ports with its data and waits until it serves clients. */
    void start();

    /**
     * Starts (or restarts) the server and completes when it serves clients. Use this to restart several
     * members that need each other for a quorum.
     */
    CompletableFuture<Void> startAsync();

    /** Graceful stop: SIGTERM (local) or {@code docker stop}; waits until the process is gone. */
    void stop();

    /** Hard kill: SIGKILL (local) or {@code docker kill}; waits until the process is gone. */
    void kill();

    /** Freezes the server: SIGSTOP (local) or {@code docker pause}. Its ports stay bound; it answers nothing. */
    void pause();

    /** Thaws a paused server: SIGCONT (local) or {@code docker unpause}. */
    void unpause();
}
