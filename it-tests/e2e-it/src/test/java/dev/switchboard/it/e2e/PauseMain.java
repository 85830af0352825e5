package dev.switchboard.it.e2e;

/**
 * The pod-infrastructure ("pause") process: PID 1 of a pod's PID namespace, owner of the pod's shared mounts. It does
 * nothing but wait, so the host and sidecar containers that join it can be killed and restarted independently (as in
 * a Kubernetes pod with {@code shareProcessNamespace}). Runs with {@code -XX:-UsePerfData} so no attach tool sees it.
 */
public final class PauseMain {
  private PauseMain() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.println("pause: pod infrastructure up");
    System.out.flush();
    Object forever = new Object();
    synchronized (forever) {
      while (true) forever.wait();
    }
  }
}
