package dev.switchboard.testkit;

import java.time.Duration;
import java.util.Locale;

/**
 * Where the kit reads its settings: a system property wins over an environment variable, which wins over the
 * default.
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>system property</th><th>environment</th><th>default</th></tr>
 *   <tr><td>{@code switchboard.testkit}</td><td>{@code SWITCHBOARD_TESTKIT}</td><td>{@code docker} (or {@code local})</td></tr>
 *   <tr><td>{@code switchboard.testkit.etcdImage}</td><td>{@code SWITCHBOARD_ETCD_IMAGE}</td><td>{@value #DEFAULT_ETCD_IMAGE}</td></tr>
 *   <tr><td>{@code switchboard.testkit.zookeeperImage}</td><td>{@code SWITCHBOARD_ZOOKEEPER_IMAGE}</td><td>{@value #DEFAULT_ZOOKEEPER_IMAGE}</td></tr>
 *   <tr><td>{@code switchboard.testkit.etcdBinary}</td><td>{@code SWITCHBOARD_ETCD_BINARY}</td><td>{@code etcd} from {@code PATH}</td></tr>
 *   <tr><td>{@code switchboard.testkit.startTimeoutSeconds}</td><td>{@code SWITCHBOARD_TESTKIT_START_TIMEOUT_SECONDS}</td><td>90</td></tr>
 *   <tr><td>{@code switchboard.testkit.keepData}</td><td>{@code SWITCHBOARD_TESTKIT_KEEP_DATA}</td><td>{@code false}: local data/log dirs are deleted on close</td></tr>
 * </table>
 */
public final class TestkitSettings {

    /** Which servers the kit starts. */
    public enum Mode {
        /** Containers through Testcontainers (the default). */
        DOCKER,
        /** Local processes: the {@code etcd} binary and ZooKeeper's {@code QuorumPeerMain} in child JVMs. */
        LOCAL
    }

    public static final String MODE_PROPERTY = "switchboard.testkit";
    public static final String MODE_ENV = "SWITCHBOARD_TESTKIT";
    public static final String DEFAULT_ETCD_IMAGE = "switchboard-local/etcd:3.4";
    public static final String DEFAULT_ZOOKEEPER_IMAGE = "switchboard-local/zookeeper:3.9.3";

    private TestkitSettings() {
    }

    public static Mode mode() {
        String value = get(MODE_PROPERTY, MODE_ENV, "docker").trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "docker":
                return Mode.DOCKER;
            case "local":
                return Mode.LOCAL;
            default:
                throw new TestkitException(TestkitException.Code.BAD_SETTING,
                        MODE_PROPERTY + "/" + MODE_ENV + " must be 'docker' or 'local': '" + value + "'");
        }
    }

    public static String etcdImage() {
        return get("switchboard.testkit.etcdImage", "SWITCHBOARD_ETCD_IMAGE", DEFAULT_ETCD_IMAGE);
    }

    public static String zookeeperImage() {
        return get("switchboard.testkit.zookeeperImage", "SWITCHBOARD_ZOOKEEPER_IMAGE", DEFAULT_ZOOKEEPER_IMAGE);
    }

    /** The etcd binary for local mode; {@code etcd} means: search {@code PATH}. */
    public static String etcdBinary() {
        return get("switchboard.testkit.etcdBinary", "SWITCHBOARD_ETCD_BINARY", "etcd");
    }

    public static Duration startTimeout() {
        String value = get("switchboard.testkit.startTimeoutSeconds", "SWITCHBOARD_TESTKIT_START_TIMEOUT_SECONDS", "90");
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds <= 0) {
                throw new NumberFormatException("not positive");
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new TestkitException(TestkitException.Code.BAD_SETTING,
                    "switchboard.testkit.startTimeoutSeconds must be a positive number of seconds: '" + value + "'", e);
        }
    }

    public static boolean keepData() {
        return Boolean.parseBoolean(get("switchboard.testkit.keepData", "SWITCHBOARD_TESTKIT_KEEP_DATA", "false").trim());
    }

    static String get(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
