package dev.switchboard.testkit.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import dev.switchboard.testkit.TestkitException;
import dev.switchboard.testkit.TestkitException.Code;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A server in a container on the host network (fixed loopback ports). Stop/kill keep the container and so its
 * data; the next {@link #launch()} is a {@code docker start} of the same container.
 */
public final class DockerBackend implements Backend {

    /** Label on every container the kit creates; {@code scripts/test.sh} removes leftovers by it. */
    public static final String LABEL = "dev.switchboard.testkit";

    private final String name;
    private final GenericContainer<?> container;
    private volatile boolean created;

    public DockerBackend(String name, String image, List<String> command, Map<String, String> environment,
                         Map<String, String> files) {
        this.name = name;
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withNetworkMode("host")
                .withLabel(LABEL, "true")
                .withEnv(environment)
                .withStartupTimeout(Duration.ofSeconds(60))
                .waitingFor(new AbstractWaitStrategy() {
                    @Override
                    protected void waitUntilReady() {
                        // readiness is checked by ManagedNode with a protocol probe on the fixed port
                    }
                });
        if (!command.isEmpty()) {
            c.withCommand(command.toArray(String[]::new));
        }
        files.forEach((path, content) -> c.withCopyToContainer(Transferable.of(content, 0644), path));
        this.container = c;
    }

    @Override
    public synchronized void launch() {
        if (!created) {
            Reaper.register(this);
            container.start();
            created = true;
            return;
        }
        call("start", () -> client().startContainerCmd(id()).exec());
    }

    @Override
    public void terminate() {
        if (!created) {
            return;
        }
        unpauseIfPaused();
        call("stop", () -> client().stopContainerCmd(id()).withTimeout(30).exec());
        awaitNotRunning();
    }

    @Override
    public void kill() {
        if (!created) {
            return;
        }
        unpauseIfPaused();
        if (running()) {
            call("kill", () -> client().killContainerCmd(id()).exec());
        }
        awaitNotRunning();
    }

    @Override
    public void suspend() {
        call("pause", () -> client().pauseContainerCmd(id()).exec());
    }

    @Override
    public void resume() {
        call("unpause", () -> client().unpauseContainerCmd(id()).exec());
    }

    @Override
    public boolean alive() {
        return created && running();
    }

    @Override
    public String logTail(int lines) {
        if (!created) {
            return "(container not created)";
        }
        try {
            List<String> all = Arrays.asList(container.getLogs().split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (RuntimeException e) {
            return "(cannot read container logs: " + e + ")";
        }
    }

    @Override
    public String describe() {
        String id = created ? container.getContainerId() : null;
        return name + " container " + (id == null ? "-" : id.substring(0, Math.min(12, id.length())))
                + " (" + container.getDockerImageName() + ")";
    }

    @Override
    public synchronized void destroy() {
        try {
            if (created) {
                unpauseIfPaused();
            }
        } catch (RuntimeException e) {
            System.err.println("testkit: " + name + ": unpause before removal failed: " + e);
        }
        container.stop(); // removes the container and its volumes
        created = false;
        Reaper.unregister(this);
    }

    private void unpauseIfPaused() {
        InspectContainerResponse.ContainerState state = inspect();
        if (Boolean.TRUE.equals(state.getPaused())) {
            resume();
        }
    }

    private boolean running() {
        return Boolean.TRUE.equals(inspect().getRunning());
    }

    private void awaitNotRunning() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (running()) {
            if (System.nanoTime() > deadline) {
                throw new TestkitException(Code.CONTROL_FAILED, name + ": container still running 60 s after stop/kill");
            }
            ManagedNode.sleep(50);
        }
    }

    private InspectContainerResponse.ContainerState inspect() {
        try {
            return client().inspectContainerCmd(id()).exec().getState();
        } catch (DockerException e) {
            throw new TestkitException(Code.CONTROL_FAILED, name + ": docker inspect failed: " + e.getMessage(), e);
        }
    }

    private void call(String operation, Runnable command) {
        try {
            command.run();
        } catch (DockerException e) {
            throw new TestkitException(Code.CONTROL_FAILED, name + ": docker " + operation + " failed: " + e.getMessage(), e);
        }
    }

    private String id() {
        return container.getContainerId();
    }

    private DockerClient client() {
        return container.getDockerClient();
    }
}
