package dev.switchboard.testkit.internal;

import dev.switchboard.testkit.TestkitException;
import dev.switchboard.testkit.TestkitException.Code;
import dev.switchboard.testkit.TestkitSettings;
import dev.switchboard.testkit.TestkitSettings.Mode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The servers of one ZooKeeper ensemble: ports, zoo.cfg, and a backend per server for the selected mode. */
public final class ZooKeeperNodes {

    private static final String MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain";
    /** Classes whose jars make up a ZooKeeper server class path; the optional ones are used when present. */
    private static final List<String> REQUIRED = List.of(MAIN, "org.apache.jute.Record", "org.slf4j.LoggerFactory",
            "com.codahale.metrics.MetricRegistry", "org.xerial.snappy.SnappyInputStream");
    private static final List<String> OPTIONAL = List.of("org.apache.commons.io.FileUtils",
            "org.apache.yetus.audience.InterfaceAudience", "org.slf4j.simple.SimpleServiceProvider");

    private final int[] clientPorts;
    private final List<ManagedNode> nodes;

    private ZooKeeperNodes(int[] clientPorts, List<ManagedNode> nodes) {
        this.clientPorts = clientPorts;
        this.nodes = List.copyOf(nodes);
    }

    public static ZooKeeperNodes create(int size, Mode mode) {
        String image = TestkitSettings.zookeeperImage();
        Path root = null;
        String classPath = null;
        if (mode == Mode.DOCKER) {
            DockerCheck.requireImage(image, "SWITCHBOARD_ZOOKEEPER_IMAGE", "zookeeper:3.9");
        } else {
            classPath = serverClassPath();
            root = EtcdNodes.tempRoot("switchboard-testkit-zk-");
        }
        int[] clientPorts = new int[size];
        List<String> serverLines = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            clientPorts[i] = Ports.free();
            if (size > 1) {
                serverLines.add("server." + (i + 1) + "=127.0.0.1:" + Ports.free() + ":" + Ports.free());
            }
        }
        Duration timeout = TestkitSettings.startTimeout();
        boolean keep = TestkitSettings.keepData();
        List<ManagedNode> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String name = "zk-" + (i + 1);
            String myid = Integer.toString(i + 1);
            int port = clientPorts[i];
            Backend backend;
            if (mode == Mode.DOCKER) {
                String config = zooCfg("/data", port, serverLines);
                backend = new DockerBackend(name, image, List.of(), Map.of(),
                        Map.of("/conf/zoo.cfg", config, "/data/myid", myid));
            } else {
                Path work = root.resolve(name);
                Path data = work.resolve("data");
                write(data.resolve("myid"), myid);
                Path cfg = work.resolve("zoo.cfg");
                write(cfg, zooCfg(data.toString(), port, serverLines));
                List<String> command = List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Dzookeeper.admin.enableServer=false", "-Dzookeeper.jmx.log4j.disable=true",
                        "-Dorg.slf4j.simpleLogger.showDateTime=true", "-cp", classPath, MAIN, cfg.toString());
                backend = new LocalProcessBackend(name, command, Map.of(), work, keep);
            }
            nodes.add(new ManagedNode(name, backend, () -> Probes.zooKeeperServing(port), timeout));
        }
        return new ZooKeeperNodes(clientPorts, nodes);
    }

    /**
     * One standalone server as a local process with extra zoo.cfg lines and JVM flags (SASL, TLS):
     * for the secured test kit.
     */
    public static ManagedNode secured(String name, Path work, int clientPort, String extraCfg, List<String> jvmFlags,
                                      java.util.function.BooleanSupplier ready) {
        Path data = work.resolve("data");
        write(data.resolve("myid"), "1");
        Path cfg = work.resolve("zoo.cfg");
        write(cfg, zooCfg(data.toString(), clientPort, List.of()) + extraCfg);
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dzookeeper.admin.enableServer=false", "-Dzookeeper.jmx.log4j.disable=true"));
        command.addAll(jvmFlags);
        // X509 support (loaded with any auth provider, and the Netty server for TLS) needs Netty: the one Netty line of the build
        StringBuilder cp = new StringBuilder(serverClassPath());
        for (String c : List.of("io.netty.handler.ssl.SslContext", "io.netty.buffer.ByteBuf", "io.netty.util.ReferenceCounted",
                "io.netty.channel.Channel", "io.netty.handler.codec.ByteToMessageDecoder", "io.netty.resolver.AddressResolver",
                "io.netty.channel.unix.Socket", "io.netty.channel.epoll.Epoll")) {
            String jar = jarOf(c, false);
            if (jar != null && cp.indexOf(jar) < 0) {
                cp.append(File.pathSeparator).append(jar);
            }
        }
        command.addAll(List.of("-cp", cp.toString(), MAIN, cfg.toString()));
        return new ManagedNode(name, new LocalProcessBackend(name, command, Map.of(), work, TestkitSettings.keepData()), ready,
                TestkitSettings.startTimeout());
    }

    /** The zoo.cfg of one server; {@code serverLines} is empty for a standalone server. */
    public static String zooCfg(String dataDir, int clientPort, List<String> serverLines) {
        StringBuilder cfg = new StringBuilder()
                .append("tickTime=1000\n")
                .append("initLimit=20\n")
                .append("syncLimit=5\n")
                .append("dataDir=").append(dataDir).append('\n')
                .append("clientPort=").append(clientPort).append('\n')
                .append("clientPortAddress=127.0.0.1\n")
                .append("maxClientCnxns=0\n")
                .append("admin.enableServer=false\n")
                .append("4lw.commands.whitelist=srvr,ruok,stat,mntr,cons\n")
                .append("reconfigEnabled=false\n")
                .append("standaloneEnabled=true\n")
                .append("preAllocSize=4096\n")
                .append("forceSync=no\n")
                .append("autopurge.purgeInterval=0\n");
        for (String line : serverLines) {
            cfg.append(line).append('\n');
        }
        return cfg.toString();
    }

    /** The jars of a ZooKeeper server (and what it needs to start) on this JVM's class path, joined. */
    public static String serverClassPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String name : REQUIRED) {
            entries.add(jarOf(name, true));
        }
        for (String name : OPTIONAL) {
            String jar = jarOf(name, false);
            if (jar != null) {
                entries.add(jar);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String jarOf(String className, boolean required) {
        try {
            Class<?> type = Class.forName(className, false, ZooKeeperNodes.class.getClassLoader());
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
            if (required) {
                throw new TestkitException(Code.NO_BINARY, "local ZooKeeper needs " + className
                        + " on the class path (org.apache.zookeeper:zookeeper and io.dropwizard.metrics:metrics-core"
                        + " come with switchboard-testkit)", e);
            }
            return null;
        }
    }

    private static String javaBinary() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (!Files.isExecutable(java)) {
            throw new TestkitException(Code.NO_BINARY, "cannot find the java launcher at " + java);
        }
        return java.toString();
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public List<ManagedNode> nodes() {
        return nodes;
    }

    public int clientPort(int index) {
        return clientPorts[index];
    }

    public String connectString() {
        List<String> parts = new ArrayList<>();
        for (int port : clientPorts) {
            parts.add("127.0.0.1:" + port);
        }
        return String.join(",", parts);
    }
}
