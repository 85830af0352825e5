package dev.switchboard.it.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.VolumesFrom;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * A "pod" as Kubernetes runs it with {@code shareProcessNamespace}: a pause container owns the PID namespace and the
 * shared directories ({@code /tmp} and the plugin cache {@code /var/cache/switchboard}, both bind mounts of
 * directories under {@code target/e2e/<class>/<node>}, writable by uid 65534); the host container and the
 * sidecar container join it ({@code --pid container:<pause>}, {@code --volumes-from <pause>}), so either can be
 * killed and restarted while the other keeps running. Everything on the host network.
 */
public final class Pod {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CACHE_DIR = "/var/cache/switchboard";
  static final String ARTIFACTS_DIR = "/artifacts";

  private final int index;
  private final String node;
  private final Path dir;
  private final Box pause;
  private final Host host;
  private final Sidecar sidecar;

  /** The pod's host container: which application, its JVM options ({@code JDK_JAVA_OPTIONS}, empty for none), its port. */
  record HostSpec(HostApp app, String javaOptions, int port) {}

  Pod(int index, String node, Path dir, Path artifacts, java.util.function.Supplier<String> agentYaml, HostSpec hostSpec, int sidecarPort,
      Consumer<Pod> onHostRestart) {
    this.index = index;
    this.node = node;
    this.dir = dir;
    Path tmp = Files2.dir(dir.resolve("tmp"), "rwxrwxrwt");
    Path cache = Files2.dir(dir.resolve("cache"), "rwxrwxrwx");
    Path pauseClasses = Files2.classDir(dir.resolve("pause"), PauseMain.class);
    Path config = Files2.write(dir.resolve("agent.yaml"), "# written before the sidecar starts\n");
    String base = E2eSettings.baseImage();
    GenericContainer<?> p = container(base, "pause-" + node)
        .withCommand("java", "-XX:-UsePerfData", "-Xmx8m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", "/e2e-pause", PauseMain.class.getName())
        .withCreateContainerCmdModifier(c -> c.withUser("65534:65534").getHostConfig().withBinds(
            bind(tmp, "/tmp", false), bind(cache, CACHE_DIR, false), bind(artifacts, ARTIFACTS_DIR, true),
            bind(pauseClasses, "/e2e-pause", true)));
    this.pause = new Box("pause-" + node, p, () -> true);
    this.host = new Host(this, hostSpec, onHostRestart);
    this.sidecar = new Sidecar(this, sidecarPort, config, agentYaml);
  }

  static GenericContainer<?> container(String image, String name) {
    return new GenericContainer<>(DockerImageName.parse(image))
        .withNetworkMode("host")
        .withStartupTimeout(Duration.ofSeconds(90))
        .waitingFor(new AbstractWaitStrategy() {
          @Override
          protected void waitUntilReady() {
            // readiness is probed over HTTP by Box.awaitReady
          }
        });
  }

  /** Joins the pause container's PID namespace and mounts; {@code binds}: extra bind mounts of this container. */
  private GenericContainer<?> member(String image, String name, Bind... binds) {
    return container(image, name).withCreateContainerCmdModifier(c -> {
      String pauseId = pause.id();
      c.getHostConfig().withPidMode("container:" + pauseId).withVolumesFrom(new VolumesFrom(pauseId)).withBinds(binds);
    });
  }

  /**
   * A bind mount through the create-container command (Testcontainers' own file binds probe file mounting with a
   * helper image, which cannot be pulled here).
   */
  static Bind bind(Path hostPath, String containerPath, boolean readOnly) {
    return new Bind(hostPath.toString(), new Volume(containerPath), readOnly ? AccessMode.ro : AccessMode.rw);
  }

  /** Index in the topology (0-based). */
  public int index() {
    return index;
  }

  /** The node name the sidecar reports ({@code pod-a}, {@code pod-b}, ...). */
  public String node() {
    return node;
  }

  public Host host() {
    return host;
  }

  public Sidecar sidecar() {
    return sidecar;
  }

  /** The pod's directory on the test machine ({@code tmp/}, {@code cache/}, {@code agent.yaml}). */
  public Path dir() {
    return dir;
  }

  void startPause() {
    pause.start();
  }

  List<Box> boxes() {
    return List.of(host.box, sidecar.box, pause);
  }

  @Override
  public String toString() {
    return node;
  }

  /** The host application (the sample host, a plain JVM that knows nothing of Switchboard, or the Spring Boot one) in its own container. */
  public static final class Host {
    private final Pod pod;
    private final int port;
    final Box box;
    private final Consumer<Pod> onRestart;

    Host(Pod pod, HostSpec spec, Consumer<Pod> onRestart) {
      this.pod = pod;
      this.port = spec.port();
      this.onRestart = onRestart;
      GenericContainer<?> c = pod.member(E2eImages.image(spec.app().image), "host-" + pod.node)
          .withCommand(spec.app().args(port).toArray(String[]::new));
      if (!spec.javaOptions().isEmpty()) c.withEnv("JDK_JAVA_OPTIONS", spec.javaOptions());
      this.box = new Box("host-" + pod.node, c, () -> Http.ok(port, "/"));
    }

    /** The host's HTTP port on 127.0.0.1. */
    public int port() {
      return port;
    }

    /** {@code GET path} against the host. */
    public HttpResponse<String> request(String path) {
      return Http.get(port, path);
    }

    /** The {@code X-Switchboard-Plugin} header of {@code GET /}; fails unless the host answers 200. */
    public Optional<String> marker() {
      HttpResponse<String> r = request("/");
      if (r.statusCode() != 200) throw new AssertionError(pod.node + " host answered " + r.statusCode() + ": " + r.body());
      return Http.marker(r);
    }

    /** SIGKILL to the host JVM; the pod (and its sidecar) stays. */
    public void kill() {
      box.kill();
    }

    /** SIGTERM to the host JVM. */
    public void stop() {
      box.stop();
    }

    /** Starts the (killed or stopped) host container again: a new JVM with a new pid in the same pod. */
    public void start() {
      onRestart.accept(pod);
      box.start();
    }

    /** Kill (when running) and start again; returns when the new host answers HTTP. */
    public void restart() {
      if (box.running()) kill();
      start();
    }

    public boolean running() {
      return box.running();
    }

    public String logs() {
      return box.logs();
    }
  }

  /** The sidecar agent ({@code switchboard agent}) in its own container, joined to the host's PID namespace. */
  public static final class Sidecar {
    private final Pod pod;
    private final int port;
    final Box box;
    private final Path config;
    private final java.util.function.Supplier<String> yaml;
    private volatile boolean configured;

    Sidecar(Pod pod, int port, Path config, java.util.function.Supplier<String> yaml) {
      this.pod = pod;
      this.port = port;
      this.config = config;
      this.yaml = yaml;
      this.box = new Box("sidecar-" + pod.node, pod.member(E2eImages.image(E2eImages.Kind.SIDECAR), "sidecar-" + pod.node,
          bind(config, "/etc/switchboard/agent.yaml", true)), () -> Http.ok(port, "/healthz"));
    }

    /** The agent's HTTP port on 127.0.0.1 ({@code /v1/status}, {@code /metrics}, {@code /healthz}, {@code /readyz}). */
    public int port() {
      return port;
    }

    /** SIGKILL to the sidecar JVM; the host keeps its runtime and plugins. */
    public void kill() {
      box.kill();
    }

    /** SIGTERM to the sidecar JVM. */
    public void stop() {
      box.stop();
    }

    /** Starts the sidecar container (again) and waits for {@code /healthz}. */
    public void start() {
      if (!configured) {
        Files2.write(config, yaml.get()); // the same file, so the bind mount sees it
        configured = true;
      }
      box.start();
    }

    public void restart() {
      if (box.running()) kill();
      start();
    }

    /** {@code docker pause} / {@code unpause} of the sidecar container. */
    public void pause() {
      box.pause();
    }

    public void unpause() {
      box.unpause();
    }

    public boolean running() {
      return box.running();
    }

    /** {@code /readyz} answers 200: attached and caught up with the stores. */
    public boolean ready() {
      return Http.ok(port, "/readyz");
    }

    /** {@code GET /v1/status} as JSON. */
    public JsonNode status() {
      HttpResponse<String> r = Http.get(port, "/v1/status");
      if (r.statusCode() != 200) throw new AssertionError(pod.node + " /v1/status answered " + r.statusCode() + ": " + r.body());
      try {
        return JSON.readTree(r.body());
      } catch (java.io.IOException e) {
        throw new AssertionError(pod.node + " /v1/status is not JSON: " + r.body(), e);
      }
    }

    /** The plugin's entry in {@code /v1/status}, or a missing node. */
    public JsonNode plugin(String plugin) {
      for (JsonNode p : status().path("plugins")) if (p.path("plugin").asText().equals(plugin)) return p;
      return JSON.missingNode();
    }

    /** {@code GET /metrics} (Prometheus text). */
    public String metrics() {
      return Http.get(port, "/metrics").body();
    }

    public String logs() {
      return box.logs();
    }
  }
}
