package dev.switchboard.it.e2e;

import java.nio.file.Path;

/** One bridge ({@code switchboard bridge}) container; two run, one leads (etcd election), the other stands by. */
public final class Bridge {
  private final int index;
  private final String id;
  private final int port;
  final Box box;

  /** {@code extra}: further bind mounts (certificates, password files) besides the configuration. */
  Bridge(int index, String id, Path config, int port, com.github.dockerjava.api.model.Bind... extra) {
    this.index = index;
    this.id = id;
    this.port = port;
    java.util.List<com.github.dockerjava.api.model.Bind> binds = new java.util.ArrayList<>();
    binds.add(Pod.bind(config, "/etc/switchboard/bridge.yaml", true));
    binds.addAll(java.util.List.of(extra));
    this.box = new Box(id, Pod.container(E2eImages.image(E2eImages.Kind.BRIDGE), id)
        .withCreateContainerCmdModifier(c -> c.getHostConfig().withBinds(binds)), () -> Http.ok(port, "/healthz"));
  }

  public int index() {
    return index;
  }

  /** The bridge id ({@code bridge-1}, {@code bridge-2}). */
  public String id() {
    return id;
  }

  /** HTTP port on 127.0.0.1 ({@code /metrics}, {@code /healthz}, {@code /v1/status}). */
  public int port() {
    return port;
  }

  /** True when this bridge reports itself leader ({@code switchboard_bridge_leader 1}); false when it does not answer. */
  public boolean leader() {
    return metric("switchboard_bridge_leader", "") == 1.0;
  }

  /** Sum of every sample of {@code metric} whose label text contains {@code labelPart}; 0 when the bridge does not answer. */
  public double metric(String metric, String labelPart) {
    String text;
    try {
      text = Http.get(port, "/metrics", java.time.Duration.ofSeconds(3)).body();
    } catch (RuntimeException e) {
      return 0;
    }
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(metric) && line.length() > metric.length()
          && (line.charAt(metric.length()) == ' ' || line.charAt(metric.length()) == '{') && line.contains(labelPart)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  public String metrics() {
    return Http.get(port, "/metrics").body();
  }

  /** SIGKILL, like a crash. */
  public void kill() {
    box.kill();
  }

  /** SIGTERM: a graceful stop (a leader steps down at once). */
  public void stop() {
    box.stop();
  }

  /** Starts the killed/stopped bridge container again and waits for {@code /healthz}. */
  public void start() {
    box.start();
  }

  /** {@code docker pause}: frozen, sees nothing, writes nothing. */
  public void pause() {
    box.pause();
  }

  public void unpause() {
    box.unpause();
  }

  public boolean running() {
    return box.running();
  }

  public String logs() {
    return box.logs();
  }

  @Override
  public String toString() {
    return id;
  }
}
