package dev.switchboard.testkit;

import dev.switchboard.testkit.internal.Ports;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Kafka broker without ZooKeeper (KRaft: one JVM is broker and controller) on 127.0.0.1, as a
 * child JVM of the test ({@code kafka.Kafka}), in either test-kit mode. Its jars come from Maven Central through the
 * build: the module {@code it-tests/kafka-broker} copies them to its {@code target/libs}, which a test module passes
 * as the system property {@code switchboard.testkit.kafkaLibs} (environment {@code SWITCHBOARD_KAFKA_LIBS}).
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBroker kafka = KafkaBroker.single();
 * kafka.bootstrapServers();   // "127.0.0.1:p"
 * }</pre>
 *
 * <p>{@link #start()} formats a fresh log directory (the storage tool, one more short JVM) and waits for the broker's
 * "Kafka Server started" line. Settings for tests: one partition per topic unless created otherwise, the group and
 * transaction topics with one replica, no initial rebalance delay, offset commits written without lingering, topics not created on first use. Offsets and
 * logs live until {@link #close()}, which stops the JVM and deletes them.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    public static final String LIBS_PROPERTY = "switchboard.testkit.kafkaLibs";
    public static final String LIBS_ENV = "SWITCHBOARD_KAFKA_LIBS";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private Path dir;
    private Proc process;
    private int port;

    private KafkaBroker() {}

    public static KafkaBroker single() {
        return new KafkaBroker();
    }

    /** {@code 127.0.0.1:<port>}; only while started. */
    public synchronized String bootstrapServers() {
        if (process == null) throw new TestkitException(TestkitException.Code.ILLEGAL_STATE, "the Kafka broker is not started");
        return "127.0.0.1:" + port;
    }

    /** The broker's output so far (for a failing test's message). */
    public synchronized String output() {
        return process == null ? "" : process.output();
    }

    /** Formats a fresh log directory and starts the broker; returns when it serves clients. */
    public synchronized void start() {
        if (process != null) throw new TestkitException(TestkitException.Code.ILLEGAL_STATE, "the Kafka broker is already started");
        String classPath = libs() + File.separator + "*";
        long t0 = System.nanoTime();
        try {
            dir = Files.createTempDirectory("switchboard-kafka-");
            port = Ports.free();
            int controllerPort = Ports.free();
            Path props = dir.resolve("server.properties");
            Files.writeString(props, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "log.dirs=" + dir.resolve("data"),
                    "num.partitions=1",
                    "auto.create.topics.enable=false",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "group.coordinator.append.linger.ms=0", // an offset commit is written at once, not batched for 5 ms
                    "") );
            Path logs = dir.resolve("logs");
            List<String> quiet = new ArrayList<>(Proc.IT_FLAGS);
            quiet.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
            quiet.add("-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info");
            try (Proc format = Proc.start("kafka-storage-format", logs, Proc.java(quiet, "-cp", classPath,
                    "kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", props.toString()))) {
                int exit = format.awaitExit(START_TIMEOUT);
                if (exit != 0) {
                    throw new TestkitException(TestkitException.Code.START_FAILED,
                            "kafka storage format exited " + exit + ":\n" + format.output());
                }
            }
            long formatted = System.nanoTime();
            process = Proc.start("kafka", logs, Proc.java(quiet, "-cp", classPath, "kafka.Kafka", props.toString()));
            try {
                process.await("Kafka Server started", START_TIMEOUT);
            } catch (AssertionError e) {
                Proc p = process;
                process = null;
                p.close();
                throw new TestkitException(TestkitException.Code.START_FAILED, "the Kafka broker did not start: " + e.getMessage(), e);
            }
            System.out.println("KafkaBroker: serving on 127.0.0.1:" + port + " after " + (System.nanoTime() - t0) / 1_000_000
                    + " ms (storage format " + (formatted - t0) / 1_000_000 + " ms)");
        } catch (IOException e) {
            throw new TestkitException(TestkitException.Code.START_FAILED, "cannot start the Kafka broker: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException(TestkitException.Code.START_FAILED, "interrupted starting the Kafka broker", e);
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 5 s) and deletes its data. Idempotent. */
    @Override
    public synchronized void close() {
        if (process != null) {
            process.close();
            process = null;
        }
        if (dir != null && !Boolean.parseBoolean(System.getProperty("switchboard.testkit.keepData",
                String.valueOf(System.getenv("SWITCHBOARD_TESTKIT_KEEP_DATA"))))) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("KafkaBroker: cannot delete " + dir + ": " + e);
            }
            dir = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** The directory of the broker's jars: the setting, checked to hold the broker's main class jar. */
    static Path libs() {
        String v = System.getProperty(LIBS_PROPERTY);
        if (v == null || v.isBlank()) v = System.getenv(LIBS_ENV);
        if (v == null || v.isBlank()) {
            throw new TestkitException(TestkitException.Code.NO_BINARY, "no Kafka broker jars: set the system property "
                    + LIBS_PROPERTY + " (or " + LIBS_ENV + ") to it-tests/kafka-broker/target/libs (built by that module)");
        }
        Path dir = Path.of(v).toAbsolutePath();
        try (Stream<Path> s = Files.list(dir)) {
            if (s.noneMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-"))) {
                throw new TestkitException(TestkitException.Code.NO_BINARY,
                        LIBS_PROPERTY + "=" + v + " holds no kafka_2.13 jar (build it-tests/kafka-broker)");
            }
        } catch (IOException e) {
            throw new TestkitException(TestkitException.Code.NO_BINARY, LIBS_PROPERTY + "=" + v + " cannot be listed: " + e, e);
        }
        return dir;
    }

    /** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding. */
    private static String clusterId() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
