package dev.switchboard.it.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/** The JDKs the host JVMs of these tests run on: this JVM's (17) and Temurin 25 when installed. */
final class Jdks {
  private Jdks() {}

  static String java17() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static final String JAVA25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";

  static boolean java25Available() {
    return Files.isExecutable(Path.of(JAVA25));
  }
}
