package dev.switchboard.testkit.internal;

import dev.switchboard.testkit.NodeState;
import dev.switchboard.testkit.ServerControl;
import dev.switchboard.testkit.TestkitException;
import dev.switchboard.testkit.TestkitException.Code;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/** Lifecycle of one server: a {@link Backend} plus a readiness check, moved through {@link NodeState} by CAS. */
public final class ManagedNode implements ServerControl {

    private static final ExecutorService WAITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "testkit-readiness");
        t.setDaemon(true);
        return t;
    });
    private static final Set<NodeState> STARTABLE = EnumSet.of(NodeState.NEW, NodeState.STOPPED, NodeState.KILLED);
    private static final Set<NodeState> UP = EnumSet.of(NodeState.STARTING, NodeState.RUNNING, NodeState.PAUSED);

    private final String name;
    private final Backend backend;
    private final BooleanSupplier ready;
    private final Duration startTimeout;
    private final AtomicReference<NodeState> state = new AtomicReference<>(NodeState.NEW);

    public ManagedNode(String name, Backend backend, BooleanSupplier ready, Duration startTimeout) {
        this.name = name;
        this.backend = backend;
        this.ready = ready;
        this.startTimeout = startTimeout;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public NodeState state() {
        return state.get();
    }

    @Override
    public void start() {
        join(startAsync());
    }

    @Override
    public CompletableFuture<Void> startAsync() {
        move(STARTABLE, NodeState.STARTING, "start");
        try {
            backend.launch();
        } catch (RuntimeException e) {
            state.set(NodeState.STOPPED);
            throw new TestkitException(Code.START_FAILED, name + ": launch failed (" + backend.describe() + ")", e);
        }
        return CompletableFuture.runAsync(this::awaitReady, WAITERS);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            if (state.get() != NodeState.STARTING) {
                throw new TestkitException(Code.ILLEGAL_STATE, name + ": moved to " + state.get() + " while starting");
            }
            if (ready.getAsBoolean()) {
                if (state.compareAndSet(NodeState.STARTING, NodeState.RUNNING)) {
                    return;
                }
                continue;
            }
            if (!backend.alive()) {
                state.compareAndSet(NodeState.STARTING, NodeState.KILLED);
                throw new TestkitException(Code.START_FAILED, name + ": exited while starting (" + backend.describe()
                        + "); last log lines:\n" + backend.logTail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new TestkitException(Code.START_FAILED, name + ": not serving after " + startTimeout.toSeconds()
                        + " s (" + backend.describe() + "); last log lines:\n" + backend.logTail(40));
            }
            sleep(100);
        }
    }

    @Override
    public void stop() {
        NodeState was = move(UP, NodeState.STOPPED, "stop");
        if (was == NodeState.PAUSED) {
            backend.resume();
        }
        backend.terminate();
    }

    @Override
    public void kill() {
        move(UP, NodeState.KILLED, "kill");
        backend.kill(); // works on a paused process too (SIGKILL; a container is unpaused and killed at once)
    }

    @Override
    public void pause() {
        move(EnumSet.of(NodeState.RUNNING, NodeState.STARTING), NodeState.PAUSED, "pause");
        backend.suspend();
    }

    @Override
    public void unpause() {
        move(EnumSet.of(NodeState.PAUSED), NodeState.RUNNING, "unpause");
        backend.resume();
    }

    /** Brings the node back to RUNNING from any state but CLOSED; completes when it serves clients. */
    public CompletableFuture<Void> heal() {
        NodeState current = state.get();
        if (current == NodeState.PAUSED) {
            unpause();
            return CompletableFuture.completedFuture(null);
        }
        if (STARTABLE.contains(current)) {
            return startAsync();
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Removes the process/container and its data. */
    public void close() {
        NodeState was = state.getAndSet(NodeState.CLOSED);
        if (was == NodeState.PAUSED) {
            try {
                backend.resume();
            } catch (RuntimeException e) {
                System.err.println("testkit: " + name + ": resume before close failed: " + e);
            }
        }
        backend.destroy();
    }

    public String logTail(int lines) {
        return backend.logTail(lines);
    }

    public String describe() {
        return backend.describe();
    }

    private NodeState move(Set<NodeState> from, NodeState to, String operation) {
        while (true) {
            NodeState current = state.get();
            if (!from.contains(current)) {
                throw new TestkitException(Code.ILLEGAL_STATE,
                        name + ": cannot " + operation + " in state " + current + " (allowed from " + from + ")");
            }
            if (state.compareAndSet(current, to)) {
                return current;
            }
        }
    }

    /** Waits for a future of this package, unwrapping the kit's own exception. */
    public static void join(CompletableFuture<?> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException(Code.START_FAILED, "interrupted while waiting for a server", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TestkitException) {
                throw (TestkitException) e.getCause();
            }
            throw new TestkitException(Code.START_FAILED, "server start failed: " + e.getCause(), e.getCause());
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException(Code.START_FAILED, "interrupted", e);
        }
    }
}
