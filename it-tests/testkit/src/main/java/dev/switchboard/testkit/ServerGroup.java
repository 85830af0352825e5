package dev.switchboard.testkit;

import dev.switchboard.testkit.TestkitException.Code;
import dev.switchboard.testkit.internal.ManagedNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 life cycle shared by {@link EtcdCluster} and {@link ZooKeeperEnsemble}. As a {@code static}
 * {@code @RegisterExtension} field the servers live for the test class; as an instance field, for one test. Before
 * every test, servers a previous test stopped, killed or paused are brought back, so tests stay independent.
 * Outside JUnit, call {@link #start()} and {@link #close()}.
 */
abstract class ServerGroup implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        AutoCloseable {

    private enum Phase { NEW, STARTED, CLOSED }

    private static final int START_ATTEMPTS = 3;

    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.NEW);
    private final int size;
    private volatile List<ManagedNode> nodes = List.of();
    private volatile String ownerContext;
    private volatile boolean perTest;

    ServerGroup(int size, String what) {
        if (size < 1 || size > 7) {
            throw new IllegalArgumentException(what + " size must be 1..7: " + size);
        }
        this.size = size;
    }

    /** Number of members/servers. */
    public final int size() {
        return size;
    }

    /** Fresh nodes on fresh ports (one call per start attempt). */
    abstract List<ManagedNode> createNodes(int attempt);

    /** Starts every server and waits until all serve clients; retries on fresh ports if a start fails. */
    public final void start() {
        if (!phase.compareAndSet(Phase.NEW, Phase.STARTED)) {
            throw new TestkitException(Code.ILLEGAL_STATE, getClass().getSimpleName() + " already " + phase.get());
        }
        TestkitException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            List<ManagedNode> created = createNodes(attempt);
            nodes = created;
            try {
                long t0 = System.nanoTime();
                healAll();
                System.out.printf("testkit: %s started (%s mode, %d ms): %s%n", getClass().getSimpleName(),
                        TestkitSettings.mode().name().toLowerCase(java.util.Locale.ROOT),
                        (System.nanoTime() - t0) / 1_000_000, describe());
                return;
            } catch (TestkitException e) {
                if (e.code() != Code.START_FAILED) {
                    closeNodes(created);
                    phase.set(Phase.CLOSED);
                    throw e;
                }
                last = e;
                System.err.println("testkit: start attempt " + attempt + " of " + START_ATTEMPTS + " failed: "
                        + e.getMessage());
                closeNodes(created);
            }
        }
        phase.set(Phase.CLOSED);
        throw last;
    }

    /** Brings every stopped, killed or paused server back and waits until all serve clients. */
    public final void healAll() {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (ManagedNode node : nodes) {
            futures.add(node.heal());
        }
        for (CompletableFuture<Void> future : futures) {
            ManagedNode.join(future);
        }
    }

    /** Removes every server and its data. */
    @Override
    public final void close() {
        if (phase.getAndSet(Phase.CLOSED) == Phase.STARTED) {
            closeNodes(nodes);
        }
    }

    final ManagedNode node(int index) {
        if (phase.get() != Phase.STARTED) {
            throw new TestkitException(Code.ILLEGAL_STATE, getClass().getSimpleName() + " is " + phase.get()
                    + "; register it with @RegisterExtension or call start()");
        }
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index must be 0.." + (size - 1) + ": " + index);
        }
        return nodes.get(index);
    }

    abstract String describe();

    private static void closeNodes(List<ManagedNode> list) {
        for (ManagedNode node : list) {
            try {
                node.close();
            } catch (RuntimeException e) {
                System.err.println("testkit: closing " + node.name() + " failed: " + e);
            }
        }
    }

    @Override
    public final void beforeAll(ExtensionContext context) {
        if (phase.get() == Phase.NEW) {
            start();
            ownerContext = context.getUniqueId();
        }
    }

    @Override
    public final void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(ownerContext)) {
            close();
        }
    }

    @Override
    public final void beforeEach(ExtensionContext context) {
        if (phase.get() == Phase.NEW) {
            start();
            perTest = true;
        } else if (phase.get() == Phase.STARTED) {
            healAll();
        }
    }

    @Override
    public final void afterEach(ExtensionContext context) {
        if (perTest) {
            close();
        }
    }
}
