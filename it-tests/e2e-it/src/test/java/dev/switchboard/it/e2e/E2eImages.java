package dev.switchboard.it.e2e;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Image;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;

/**
 * The sidecar, bridge and host (sample host, Spring Boot sample host) images, built from {@code deploy/docker/Dockerfile.*} with the build argument
 * {@code BASE_IMAGE} ({@link E2eSettings#baseImage()}) and a private copy of {@code dist/} as the context. An image is
 * tagged {@code switchboard-e2e/<kind>:<hash>} where the hash covers the Dockerfile, the base image id and every
 * file in the context, so an unchanged image is not rebuilt (neither by the next test class nor by the next run);
 * older {@code switchboard-e2e/<kind>} tags (built over an hour ago) are removed after a build.
 */
final class E2eImages {
  /** One image per Dockerfile in deploy/docker. */
  enum Kind {
    SIDECAR("Dockerfile.sidecar", List.of("switchboard.jar", "switchboard-runtime.jar")),
    BRIDGE("Dockerfile.bridge", List.of("switchboard.jar")),
    SAMPLE_HOST("Dockerfile.sample-host", List.of("sample-host.jar", "switchboard-runtime.jar")),
    SPRING_BOOT_HOST("Dockerfile.spring-boot-host", List.of("spring-boot-host.jar", "switchboard-runtime.jar"));

    final String dockerfile;
    final List<String> files;

    Kind(String dockerfile, List<String> files) {
      this.dockerfile = dockerfile;
      this.files = files;
    }

    String repository() {
      return "switchboard-e2e/" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  static final String LABEL = "dev.switchboard.e2e.inputs";
  private static final Map<Kind, String> BUILT = new ConcurrentHashMap<>();

  private E2eImages() {}

  /** The image name of {@code kind}, built first when its inputs changed. */
  static synchronized String image(Kind kind) {
    String done = BUILT.get(kind);
    if (done != null) return done;
    DockerClient docker = DockerClientFactory.instance().client();
    String base = E2eSettings.baseImage();
    String baseId;
    try {
      baseId = docker.inspectImageCmd(base).exec().getId();
    } catch (NotFoundException e) {
      if (base.startsWith("switchboard-local/")) {
        throw new IllegalStateException("base image " + base + " is missing: build it with ./scripts/images.sh, or use a public"
            + " JRE where a registry is reachable: SWITCHBOARD_E2E_BASE_IMAGE=eclipse-temurin:17-jre", e);
      }
      baseId = "pull:" + base; // the build pulls it
    }
    Path dockerfile = E2eSettings.deploy().resolve("docker").resolve(kind.dockerfile);
    DistCopy dist = DistCopy.get();
    try {
      List<byte[]> inputs = new ArrayList<>();
      inputs.add(Files.readAllBytes(dockerfile));
      inputs.add(baseId.getBytes(StandardCharsets.UTF_8));
      for (String f : kind.files) {
        inputs.add(f.getBytes(StandardCharsets.UTF_8));
        inputs.add(DistCopy.sha256(dist.file(f)).getBytes(StandardCharsets.UTF_8));
      }
      String hash = DistCopy.sha256(inputs).substring(0, 16);
      String tag = kind.repository() + ":" + hash;
      if (exists(docker, tag)) {
        BUILT.put(kind, tag);
        return tag;
      }
      Path ctx = Path.of("target", "e2e", "context-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + hash).toAbsolutePath();
      Files.createDirectories(ctx);
      Files.copy(dockerfile, ctx.resolve("Dockerfile"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      for (String f : kind.files) Files.copy(dist.file(f), ctx.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      long t0 = System.nanoTime();
      String id = docker.buildImageCmd()
          .withBaseDirectory(ctx.toFile())
          .withDockerfile(ctx.resolve("Dockerfile").toFile())
          .withBuildArg("BASE_IMAGE", base)
          .withLabels(Map.of(LABEL, hash))
          .withTags(Set.of(tag))
          .withPull(false)
          .exec(new BuildImageResultCallback())
          .awaitImageId(5, TimeUnit.MINUTES);
      System.out.printf("e2e: built %s (%s) from deploy/docker/%s with BASE_IMAGE=%s in %d ms%n", tag, id, kind.dockerfile, base,
          (System.nanoTime() - t0) / 1_000_000);
      removeOlder(docker, kind, tag);
      BUILT.put(kind, tag);
      return tag;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the build of " + kind.dockerfile, e);
    }
  }

  private static boolean exists(DockerClient docker, String tag) {
    try {
      docker.inspectImageCmd(tag).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private static void removeOlder(DockerClient docker, Kind kind, String keep) {
    for (Image img : docker.listImagesCmd().withImageNameFilter(kind.repository()).exec()) {
      String[] tags = img.getRepoTags();
      if (tags == null) continue;
      // another test JVM (a concurrent build with another dist/) may be about to use a recent one
      if (img.getCreated() != null && System.currentTimeMillis() / 1000 - img.getCreated() < 3600) continue;
      for (String t : tags) {
        if (t.startsWith(kind.repository() + ":") && !t.equals(keep)) {
          try {
            docker.removeImageCmd(t).withForce(false).exec();
          } catch (RuntimeException e) {
            System.err.println("e2e: could not remove the old image " + t + " (in use?): " + e.getMessage());
          }
        }
      }
    }
  }
}
