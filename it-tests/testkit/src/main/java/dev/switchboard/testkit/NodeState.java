package dev.switchboard.testkit;

/** Lifecycle of one etcd member or ZooKeeper server managed by the kit. */
public enum NodeState {
    /** Created, never started. */
    NEW,
    /** Process/container launched, waiting until it serves clients. */
    STARTING,
    /** Serving clients (as far as the kit checked). */
    RUNNING,
    /** Frozen (SIGSTOP / docker pause): holds its ports, answers nothing. */
    PAUSED,
    /** Stopped gracefully (SIGTERM / docker stop); data kept. */
    STOPPED,
    /** Killed (SIGKILL / docker kill); data kept. */
    KILLED,
    /** Removed with its data; cannot be started again. */
    CLOSED
}
