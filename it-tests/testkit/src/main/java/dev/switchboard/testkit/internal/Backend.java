package dev.switchboard.testkit.internal;

/** How one server process is run: a local child process or a container. Calls are made by {@link ManagedNode} only. */
public interface Backend {

    /** Launches the server; the first call creates it, later calls restart it with the same ports and data. */
    void launch();

    /** SIGTERM / docker stop; returns when the process is gone. */
    void terminate();

    /** SIGKILL / docker kill, also when suspended; returns when the process is gone. */
    void kill();

    /** SIGSTOP / docker pause. */
    void suspend();

    /** SIGCONT / docker unpause. */
    void resume();

    /** Whether the process/container is still there (running or paused). */
    boolean alive();

    /** The last lines of the server's log, for error messages. */
    String logTail(int lines);

    /** Where the log can be read in full (a file or a container id). */
    String describe();

    /** Removes the process/container and its data; idempotent. */
    void destroy();
}
