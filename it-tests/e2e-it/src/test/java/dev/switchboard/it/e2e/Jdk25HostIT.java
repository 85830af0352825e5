package dev.switchboard.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.VolumesFrom;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Scenario 6: a sample host on JDK 25 next to a sidecar on JDK 17 in one pod. The host image is built from
 * deploy/docker/Dockerfile.sample-host with {@code BASE_IMAGE=switchboard-local/jre:25} (jlinked from Temurin 25 by
 * {@code scripts/images.sh jre25}); the pod's JDK 17 host is replaced by a JDK 25 one in the same pod (same PID
 * namespace, {@code /tmp} and cache, same port), and the JDK 17 sidecar attaches into it and flips the plugin on, off,
 * on, to version 2 and off. The host runs with {@code -XX:+EnableDynamicAgentLoading} (JDK 21+, JEP 451; passed as
 * {@code JDK_JAVA_OPTIONS} because the Dockerfile's entry point is fixed), so the attach is quiet.
 */
class Jdk25HostIT {
  static final String SCENARIO = "Jdk25HostIT";
  static final String PLUGIN = "response-header";
  static final String JRE25 = "switchboard-local/jre:25";

  @RegisterExtension
  static final SystemTopology SYSTEM =
      SystemTopology.builder().service("modern").nodes("pod-a").bridges(0).etcdMembers(1).zooKeeperServers(1).build();

  @Test
  void aJdk17SidecarFlipsAPluginOnAndOffInAJdk25Host() throws Exception {
    DockerClient docker = DockerClientFactory.instance().client();
    try {
      docker.inspectImageCmd(JRE25).exec();
    } catch (NotFoundException e) {
      throw new AssertionError(JRE25 + " is missing: ./scripts/images.sh jre25 builds it from a Temurin 25 JDK"
          + " (SWITCHBOARD_JAVA25_HOME, default /usr/lib/jvm/temurin-25-jdk-amd64)", e);
    }
    Pod pod = SYSTEM.pod(0);
    String image = hostImage25(docker);
    long t0 = System.nanoTime();
    pod.host().kill(); // the JDK 17 host leaves the pod; the JDK 25 one takes its place (and its port)
    GenericContainer<?> host25 = Pod.container(image, "host25-" + pod.node())
        .withLabel(Box.LABEL, "true").withLabel("dev.switchboard.testkit", "true")
        .withEnv("JDK_JAVA_OPTIONS", "-XX:+EnableDynamicAgentLoading")
        .withCommand("--port", String.valueOf(pod.host().port()))
        .withCreateContainerCmdModifier(c -> {
          String pause = pod.boxes().get(2).id();
          c.getHostConfig().withPidMode("container:" + pause).withVolumesFrom(new VolumesFrom(pause));
        });
    try {
      host25.start();
      await().atMost(Duration.ofSeconds(90)).until(() -> Http.ok(pod.host().port(), "/"));
      await().atMost(Duration.ofSeconds(90)).until(() -> pod.sidecar().ready()
          && pod.sidecar().status().path("agent").path("hostJava").asText().startsWith("25"));
      System.out.printf("E2E %s: JDK 25 host up and the JDK 17 sidecar attached in %d ms%n", SCENARIO, (System.nanoTime() - t0) / 1_000_000);
      assertThat(baseLabel(docker, host25.getContainerId())).as("host image's base").isEqualTo(imageLabel(docker, JRE25));
      assertThat(baseLabel(docker, pod.sidecar().box.id())).as("sidecar image's base").isEqualTo(imageLabel(docker, E2eSettings.baseImage()));

      try (Checker checker = SYSTEM.checker(SCENARIO, PLUGIN)) {
        checker.observe(Duration.ofMillis(50));
        SYSTEM.flags().artifact(Store.ETCD, PLUGIN, "1.0.0");
        SYSTEM.flags().enable(Store.ETCD, PLUGIN, true);
        checker.awaitConverged("on (first activation in the JDK 25 host)");
        SYSTEM.flags().enable(Store.ETCD, PLUGIN, false);
        checker.awaitConverged("off");
        SYSTEM.flags().enable(Store.ETCD, PLUGIN, true);
        checker.awaitConverged("on again (cached jar)");
        SYSTEM.flags().artifact(Store.ETCD, PLUGIN, "2.0.0");
        checker.awaitConverged("upgrade to 2.0.0");
        SYSTEM.flags().enable(Store.ETCD, PLUGIN, false);
        checker.awaitConverged("off again");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(pod.sidecar().plugin(PLUGIN).path("state").asText()).isEqualTo("INACTIVE"));
        assertThat(checker.orderViolations()).isEmpty();
        assertThat(checker.failedRequests()).as("failed requests: " + checker.failures()).isZero();
      }
      assertThat(pod.sidecar().status().path("agent").path("hostJava").asText()).startsWith("25");
      String log = host25.getLogs();
      assertThat(log).as("the plugin started in the JDK 25 host").contains(PLUGIN + ": adding");
      assertThat(log).as("JDK_JAVA_OPTIONS reached the host JVM").contains("Picked up JDK_JAVA_OPTIONS: -XX:+EnableDynamicAgentLoading");
      assertThat(log).as("-XX:+EnableDynamicAgentLoading keeps the attach quiet").doesNotContain("A Java agent has been loaded dynamically");
    } finally {
      Files.createDirectories(SYSTEM.work().resolve("logs"));
      Files.writeString(SYSTEM.work().resolve("logs").resolve("host25-" + pod.node() + ".log"), safeLogs(host25));
      host25.stop();
    }
  }

  /**
   * The sample-host image on the JDK 25 base, built like {@link E2eImages} builds it (deploy/docker/Dockerfile.sample-host,
   * the dist copy's jars as the context), tagged by a hash of its inputs so an unchanged image is not rebuilt.
   */
  static String hostImage25(DockerClient docker) throws Exception {
    Path dockerfile = E2eSettings.deploy().resolve("docker").resolve("Dockerfile.sample-host");
    DistCopy dist = DistCopy.get();
    List<String> files = List.of("sample-host.jar", "switchboard-runtime.jar");
    String baseId = docker.inspectImageCmd(JRE25).exec().getId();
    List<byte[]> inputs = new java.util.ArrayList<>();
    inputs.add(Files.readAllBytes(dockerfile));
    inputs.add(baseId.getBytes(StandardCharsets.UTF_8));
    for (String f : files) inputs.add(DistCopy.sha256(dist.file(f)).getBytes(StandardCharsets.UTF_8));
    String tag = "switchboard-e2e/sample-host-jre25:" + DistCopy.sha256(inputs).substring(0, 16);
    try {
      docker.inspectImageCmd(tag).exec();
      return tag;
    } catch (NotFoundException e) {
      // build it below
    }
    Path ctx = Path.of("target", "e2e", "context-sample-host-jre25-" + tag.substring(tag.indexOf(':') + 1)).toAbsolutePath();
    Files.createDirectories(ctx);
    Files.copy(dockerfile, ctx.resolve("Dockerfile"), StandardCopyOption.REPLACE_EXISTING);
    for (String f : files) Files.copy(dist.file(f), ctx.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    long t0 = System.nanoTime();
    docker.buildImageCmd().withBaseDirectory(ctx.toFile()).withDockerfile(ctx.resolve("Dockerfile").toFile())
        .withBuildArg("BASE_IMAGE", JRE25).withLabels(Map.of(E2eImages.LABEL, tag)).withTags(Set.of(tag)).withPull(false)
        .exec(new BuildImageResultCallback()).awaitImageId(5, TimeUnit.MINUTES);
    System.out.printf("e2e: built %s from deploy/docker/Dockerfile.sample-host with BASE_IMAGE=%s in %d ms%n", tag, JRE25,
        (System.nanoTime() - t0) / 1_000_000);
    String repository = tag.substring(0, tag.indexOf(':'));
    for (com.github.dockerjava.api.model.Image img : docker.listImagesCmd().withImageNameFilter(repository).exec()) {
      for (String t : img.getRepoTags() == null ? new String[0] : img.getRepoTags()) {
        if (!t.startsWith(repository + ":") || t.equals(tag)) continue;
        try {
          docker.removeImageCmd(t).withForce(false).exec(); // older inputs; refused while a container uses it
        } catch (RuntimeException e) {
          System.err.println("e2e: could not remove the old image " + t + ": " + e.getMessage());
        }
      }
    }
    return tag;
  }

  /** The {@code dev.switchboard.inputs} label (scripts/images.sh) a container's image inherits from its local base. */
  private static String baseLabel(DockerClient docker, String containerId) {
    return imageLabel(docker, docker.inspectContainerCmd(containerId).exec().getImageId());
  }

  private static String imageLabel(DockerClient docker, String image) {
    return docker.inspectImageCmd(image).exec().getConfig().getLabels().get("dev.switchboard.inputs");
  }

  private static String safeLogs(GenericContainer<?> c) {
    try {
      return c.getLogs();
    } catch (RuntimeException e) {
      return "(no logs: " + e + ")";
    }
  }
}
