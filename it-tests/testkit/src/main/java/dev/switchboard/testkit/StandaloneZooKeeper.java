package dev.switchboard.testkit;

import dev.switchboard.testkit.internal.Probes;
import dev.switchboard.testkit.internal.ZooKeeperNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An unmodified ZooKeeper server started the standard way, {@code java -cp <ZooKeeper's jars>
 * org.apache.zookeeper.server.ZooKeeperServerMain zoo.cfg}, for tests that run it as a host JVM of their own (on a
 * JDK they choose) rather than as a store ({@link ZooKeeperEnsemble}). The jars are the ones the build resolved from
 * Maven Central for this test kit (ZooKeeper, jute, metrics-core, snappy-java, SLF4J); the zoo.cfg is the test kit's
 * (tick 1 s, admin server off, four-letter words {@code srvr,ruok,stat,mntr,cons}).
 */
public final class StandaloneZooKeeper {
    public static final String MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain";

    private StandaloneZooKeeper() {}

    /**
     * Writes {@code work/zoo.cfg} (data in {@code work/data}, clients on 127.0.0.1:{@code clientPort}) and returns the
     * command that runs the server with {@code java}.
     */
    public static List<String> command(String java, Path work, int clientPort) throws IOException {
        if (clientPort <= 0 || clientPort > 65535) {
            throw new IllegalArgumentException("clientPort must be 1..65535: " + clientPort);
        }
        Path data = work.resolve("data");
        Files.createDirectories(data);
        Path cfg = work.resolve("zoo.cfg");
        Files.writeString(cfg, ZooKeeperNodes.zooCfg(data.toString(), clientPort, List.of()), StandardCharsets.UTF_8);
        return List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", ZooKeeperNodes.serverClassPath(), MAIN, cfg.toString());
    }

    /** Whether a ZooKeeper server answers {@code srvr} on 127.0.0.1:{@code clientPort}. */
    public static boolean serving(int clientPort) {
        return Probes.zooKeeperServing(clientPort);
    }
}
