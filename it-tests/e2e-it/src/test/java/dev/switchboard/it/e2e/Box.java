package dev.switchboard.it.e2e;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.testcontainers.containers.GenericContainer;

/**
 * One container of the topology (pause, host, sidecar, bridge) with fault controls. The container is created once;
 * {@link #kill()} / {@link #stop()} keep it, {@link #start()} is a {@code docker start} of the same container (same
 * configuration, same mounts, same PID namespace), and {@link #remove()} deletes it. Every created container is also
 * removed by a JVM shutdown hook should a test run end without {@code afterAll}.
 */
final class Box {
  static final String LABEL = "dev.switchboard.e2e";
  private static final Set<Box> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Box::removeQuietly), "e2e-reaper"));
  }

  final String name;
  private final GenericContainer<?> container;
  private final BooleanSupplier ready;
  private volatile boolean created;

  Box(String name, GenericContainer<?> container, BooleanSupplier ready) {
    this.name = name;
    this.container = container.withLabel(LABEL, "true").withLabel("dev.switchboard.testkit", "true");
    this.ready = ready;
  }

  /** Creates and starts the container the first time, then {@code docker start}; waits until it is ready. */
  synchronized Box start() {
    if (!created) {
      LIVE.add(this);
      container.start();
      created = true;
    } else {
      if (running()) throw new IllegalStateException(name + " is already running");
      client().startContainerCmd(id()).exec();
    }
    awaitReady(Duration.ofSeconds(150));
    return this;
  }

  /** SIGKILL to every process of the container ({@code docker kill}); returns when it is gone. */
  void kill() {
    requireCreated();
    if (running()) client().killContainerCmd(id()).exec();
    awaitStopped();
  }

  /** SIGTERM, then SIGKILL after 10 s ({@code docker stop}). */
  void stop() {
    requireCreated();
    if (running()) client().stopContainerCmd(id()).withTimeout(10).exec();
    awaitStopped();
  }

  /** {@code docker pause}: every process frozen, ports kept. */
  void pause() {
    requireCreated();
    client().pauseContainerCmd(id()).exec();
  }

  void unpause() {
    requireCreated();
    client().unpauseContainerCmd(id()).exec();
  }

  boolean running() {
    if (!created) return false;
    InspectContainerResponse.ContainerState s = client().inspectContainerCmd(id()).exec().getState();
    return Boolean.TRUE.equals(s.getRunning()) && !Boolean.TRUE.equals(s.getPaused());
  }

  boolean paused() {
    return created && Boolean.TRUE.equals(client().inspectContainerCmd(id()).exec().getState().getPaused());
  }

  /** Brings a killed, stopped or paused container back (used between tests). */
  void heal() {
    if (!created) return;
    if (paused()) unpause();
    if (!running()) start();
  }

  String id() {
    requireCreated();
    return container.getContainerId();
  }

  /** Everything the container printed, across restarts. */
  String logs() {
    if (!created) return "(not created)";
    try {
      return container.getLogs();
    } catch (RuntimeException e) {
      return "(cannot read logs: " + e + ")";
    }
  }

  /** Writes the output to {@code <dir>/<name>.log}; a container not (or no longer) created leaves the file alone. */
  void writeLogs(Path dir) {
    if (!created) return;
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name + ".log"), logs());
    } catch (IOException e) {
      System.err.println("e2e: cannot write the logs of " + name + ": " + e);
    }
  }

  synchronized void remove() {
    LIVE.remove(this);
    if (!created) return;
    try {
      if (paused()) unpause();
    } catch (RuntimeException e) {
      System.err.println("e2e: unpause of " + name + " before removal failed: " + e);
    }
    container.stop(); // kills and removes the container with its anonymous volumes
    created = false;
  }

  private static void removeQuietly(Box b) {
    try {
      b.remove();
    } catch (RuntimeException e) {
      System.err.println("e2e: cleanup of " + b.name + " failed: " + e);
    }
  }

  void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " not ready within " + timeout + "; last output:\n" + tail(logs(), 40));
      }
      if (!running()) {
        throw new IllegalStateException(name + " exited before it was ready; output:\n" + tail(logs(), 60));
      }
      DistCopy.sleep(100);
    }
  }

  private void awaitStopped() {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (Boolean.TRUE.equals(client().inspectContainerCmd(id()).exec().getState().getRunning())) {
      if (System.nanoTime() > deadline) throw new IllegalStateException(name + " still running 60 s after kill/stop");
      DistCopy.sleep(50);
    }
  }

  private void requireCreated() {
    if (!created) throw new IllegalStateException(name + " was never started");
  }

  private DockerClient client() {
    return container.getDockerClient();
  }

  static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
  }

  @Override
  public String toString() {
    return name;
  }
}
