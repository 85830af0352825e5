package dev.switchboard.it.e2e;

import java.util.List;

/**
 * The application the pods' host containers run: the plain sample host, or the Spring Boot sample host (an
 * executable jar with the starter, its plugin API in the launcher loader). Each has its image, its command line for
 * a port on 127.0.0.1, and the {@code host.match} its sidecar finds it with.
 */
public enum HostApp {
  SAMPLE(E2eImages.Kind.SAMPLE_HOST, "sample-host\\\\.jar"),
  SPRING_BOOT(E2eImages.Kind.SPRING_BOOT_HOST, "spring-boot-host\\\\.jar");

  final E2eImages.Kind image;
  /** The regular expression as written inside a double-quoted YAML string. */
  final String matchYaml;

  HostApp(E2eImages.Kind image, String matchYaml) {
    this.image = image;
    this.matchYaml = matchYaml;
  }

  /** The arguments after the image's {@code java -jar <app>.jar}: serve on {@code port} of 127.0.0.1. */
  List<String> args(int port) {
    return this == SAMPLE ? List.of("--port", String.valueOf(port))
        : List.of("--server.port=" + port, "--server.address=127.0.0.1");
  }
}
