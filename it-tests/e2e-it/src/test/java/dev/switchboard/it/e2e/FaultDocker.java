package dev.switchboard.it.e2e;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;

/**
 * Container faults by container id (pods and bridges of the topology): freeze/thaw ({@code docker pause}),
 * SIGKILL, start again. The same operations the test kit applies to store containers.
 */
final class FaultDocker {
  private FaultDocker() {}

  static DockerClient client() {
    return DockerClientFactory.instance().client();
  }

  static void pause(String containerId) {
    client().pauseContainerCmd(containerId).exec();
  }

  static void unpause(String containerId) {
    client().unpauseContainerCmd(containerId).exec();
  }

  /** SIGKILL; returns when the container no longer runs. */
  static void kill(String containerId) {
    InspectContainerResponse.ContainerState s = state(containerId);
    if (Boolean.TRUE.equals(s.getPaused())) {
      unpause(containerId);
    }
    if (Boolean.TRUE.equals(state(containerId).getRunning())) {
      client().killContainerCmd(containerId).exec();
    }
    awaitRunning(containerId, false, Duration.ofSeconds(30));
  }

  /** {@code docker start} of a stopped container (same configuration, same mounts). */
  static void start(String containerId) {
    client().startContainerCmd(containerId).exec();
    awaitRunning(containerId, true, Duration.ofSeconds(30));
  }

  static boolean running(String containerId) {
    return Boolean.TRUE.equals(state(containerId).getRunning());
  }

  /** Pid of the container's main process in the host's PID namespace (0 when it does not run). */
  static long pid(String containerId) {
    Long pid = state(containerId).getPidLong();
    return pid == null ? 0 : pid;
  }

  static InspectContainerResponse.ContainerState state(String containerId) {
    return client().inspectContainerCmd(containerId).exec().getState();
  }

  private static void awaitRunning(String containerId, boolean wanted, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (running(containerId) != wanted) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("container " + containerId + (wanted ? " not running" : " still running") + " after " + within);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
