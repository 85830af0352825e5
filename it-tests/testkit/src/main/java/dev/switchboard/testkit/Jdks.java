package dev.switchboard.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** The JDKs host JVMs of the tests run on: the test's own (17) and Temurin 25 when installed. */
public final class Jdks {
    public static final String JAVA25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";

    private Jdks() {}

    /** The java binary of the JVM running the test. */
    public static String java17() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static boolean java25Available() {
        return Files.isExecutable(Path.of(JAVA25));
    }

    /** {@code 17} → {@link #java17()}, {@code 25} → {@link #JAVA25}. */
    public static String java(int feature) {
        return switch (feature) {
            case 17 -> java17();
            case 25 -> JAVA25;
            default -> throw new IllegalArgumentException("feature must be 17 or 25: " + feature);
        };
    }
}
