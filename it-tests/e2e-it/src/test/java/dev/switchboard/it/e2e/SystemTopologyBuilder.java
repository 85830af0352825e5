package dev.switchboard.it.e2e;

import java.util.List;

/**
 * {@link SystemTopology} settings; defaults: service {@code shop}, pods {@code pod-a}, {@code pod-b}, 2 bridges, 3 etcd,
 * 3 ZooKeeper, the sample host in every pod.
 */
public final class SystemTopologyBuilder {
  String service = "shop";
  List<String> nodes = List.of("pod-a", "pod-b");
  int bridges = 2;
  int etcdMembers = 3;
  int zooKeeperServers = 3;
  String agentYaml = "";
  String bridgeYaml = "antiEntropyInterval: 10s\nleaderTtl: 5s\n";
  boolean shared = true;
  HostApp hostApp = HostApp.SAMPLE;
  String hostJavaOptions = "";

  public SystemTopologyBuilder service(String service) {
    this.service = service;
    return this;
  }

  /** Node names of the pods, one pod each. */
  public SystemTopologyBuilder nodes(String... nodes) {
    if (nodes.length < 1) throw new IllegalArgumentException("nodes: at least one");
    this.nodes = List.of(nodes);
    return this;
  }

  public SystemTopologyBuilder bridges(int count) {
    if (count < 0 || count > 3) throw new IllegalArgumentException("bridges outside 0..3: " + count);
    this.bridges = count;
    return this;
  }

  public SystemTopologyBuilder etcdMembers(int count) {
    this.etcdMembers = count;
    return this;
  }

  public SystemTopologyBuilder zooKeeperServers(int count) {
    this.zooKeeperServers = count;
    return this;
  }

  /** The application every pod's host container runs (default: the sample host). */
  public SystemTopologyBuilder host(HostApp app) {
    this.hostApp = java.util.Objects.requireNonNull(app, "app == null");
    return this;
  }

  /** JVM options of every pod's host JVM (passed as {@code JDK_JAVA_OPTIONS}, since the images' entry points are fixed). */
  public SystemTopologyBuilder hostJavaOptions(String options) {
    this.hostJavaOptions = java.util.Objects.requireNonNull(options, "options == null");
    return this;
  }

  /** Extra YAML lines appended to every sidecar's agent.yaml. */
  public SystemTopologyBuilder agentYaml(String extra) {
    this.agentYaml = extra.endsWith("\n") || extra.isEmpty() ? extra : extra + "\n";
    return this;
  }

  /** YAML lines appended to every bridge.yaml (default: {@code antiEntropyInterval: 10s}, {@code leaderTtl: 5s}). */
  public SystemTopologyBuilder bridgeYaml(String extra) {
    this.bridgeYaml = extra.endsWith("\n") || extra.isEmpty() ? extra : extra + "\n";
    return this;
  }

  /**
   * A topology of its own for this test class instead of the shared one (by default, test classes of one JVM that
   * declare equal settings share one running topology: it starts once, is healed and its desired state cleared
   * before each class, and is removed when the JVM exits).
   */
  public SystemTopologyBuilder isolated() {
    this.shared = false;
    return this;
  }

  String key() {
    return String.join("|", service, String.join(",", nodes), String.valueOf(bridges), String.valueOf(etcdMembers),
        String.valueOf(zooKeeperServers), agentYaml, bridgeYaml, hostApp.name(), hostJavaOptions);
  }

  public SystemTopology build() {
    return shared ? SystemTopology.shared(this) : new SystemTopology(this);
  }
}
