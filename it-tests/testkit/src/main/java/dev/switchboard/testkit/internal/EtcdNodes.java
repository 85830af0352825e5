package dev.switchboard.testkit.internal;

import dev.switchboard.testkit.TestkitException;
import dev.switchboard.testkit.TestkitException.Code;
import dev.switchboard.testkit.TestkitSettings;
import dev.switchboard.testkit.TestkitSettings.Mode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The members of one etcd cluster: ports, flags, and a backend per member for the selected mode. */
public final class EtcdNodes {

    private static final String CONTAINER_DATA_DIR = "/var/lib/etcd/data";

    private final int[] clientPorts;
    private final int[] peerPorts;
    private final List<ManagedNode> nodes;

    private EtcdNodes(int[] clientPorts, int[] peerPorts, List<ManagedNode> nodes) {
        this.clientPorts = clientPorts;
        this.peerPorts = peerPorts;
        this.nodes = List.copyOf(nodes);
    }

    public static EtcdNodes create(int size, Mode mode) {
        String image = TestkitSettings.etcdImage();
        String binary = null;
        Path root = null;
        if (mode == Mode.DOCKER) {
            DockerCheck.requireImage(image, "SWITCHBOARD_ETCD_IMAGE", "quay.io/coreos/etcd:v3.5.17");
        } else {
            binary = findEtcd();
            root = tempRoot("switchboard-testkit-etcd-");
        }
        int[] clientPorts = new int[size];
        int[] peerPorts = new int[size];
        List<String> cluster = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            clientPorts[i] = Ports.free();
            peerPorts[i] = Ports.free();
            cluster.add(memberName(i) + "=http://127.0.0.1:" + peerPorts[i]);
        }
        String token = "switchboard-" + UUID.randomUUID().toString().substring(0, 8);
        Duration timeout = TestkitSettings.startTimeout();
        boolean keep = TestkitSettings.keepData();
        List<ManagedNode> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String name = memberName(i);
            String endpoint = "http://127.0.0.1:" + clientPorts[i];
            Backend backend;
            if (mode == Mode.DOCKER) {
                List<String> command = new ArrayList<>(List.of("etcd"));
                command.addAll(flags(name, CONTAINER_DATA_DIR, clientPorts[i], peerPorts[i], cluster, token));
                backend = new DockerBackend(name, image, command, environment(), Map.of());
            } else {
                Path work = root.resolve(name);
                List<String> command = new ArrayList<>(List.of(binary));
                command.addAll(flags(name, work.resolve("data").toString(), clientPorts[i], peerPorts[i], cluster, token));
                backend = new LocalProcessBackend(name, command, environment(), work, keep);
            }
            nodes.add(new ManagedNode(name, backend, () -> Probes.etcdHealthy(endpoint), timeout));
        }
        return new EtcdNodes(clientPorts, peerPorts, nodes);
    }

    private static List<String> flags(String name, String dataDir, int clientPort, int peerPort, List<String> cluster,
                                      String token) {
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        return List.of(
                "--name=" + name,
                "--data-dir=" + dataDir,
                "--listen-client-urls=" + client,
                "--advertise-client-urls=" + client,
                "--listen-peer-urls=" + peer,
                "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=" + String.join(",", cluster),
                "--initial-cluster-token=" + token,
                "--initial-cluster-state=new",
                "--logger=zap",
                "--log-outputs=stderr");
    }

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            env.put("ETCD_UNSUPPORTED_ARCH", arch.equals("aarch64") ? "arm64" : arch);
        }
        return env;
    }

    private static String findEtcd() {
        String configured = TestkitSettings.etcdBinary();
        if (configured.contains(File.separator)) {
            if (Files.isExecutable(Path.of(configured))) {
                return configured;
            }
        } else {
            String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, configured);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new TestkitException(Code.NO_BINARY, "local mode needs the etcd binary ('" + configured
                + "' not found/executable): apt-get install etcd-server, or set switchboard.testkit.etcdBinary /"
                + " SWITCHBOARD_ETCD_BINARY");
    }

    static Path tempRoot(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    static String memberName(int index) {
        return "etcd-" + (index + 1);
    }

    public List<ManagedNode> nodes() {
        return nodes;
    }

    public int clientPort(int index) {
        return clientPorts[index];
    }

    public int peerPort(int index) {
        return peerPorts[index];
    }

    public List<String> endpoints() {
        List<String> out = new ArrayList<>();
        for (int port : clientPorts) {
            out.add("http://127.0.0.1:" + port);
        }
        return out;
    }
}
