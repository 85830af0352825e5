package dev.switchboard.it.runtime;

/** The JDKs the host JVMs of these tests run on: this JVM's (17) and Temurin 25 when installed ({@code testkit.Jdks}). */
final class Jdks {
  private Jdks() {}

  static String java17() {
    return dev.switchboard.testkit.Jdks.java17();
  }

  static final String JAVA25 = dev.switchboard.testkit.Jdks.JAVA25;

  static boolean java25Available() {
    return dev.switchboard.testkit.Jdks.java25Available();
  }
}
