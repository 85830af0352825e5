package dev.switchboard.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The least-privilege roles of docs/security.md as a list of steps, computed from the key root and
 * the agents (service, node): a pure value, printed by {@code ctl roles apply --dry-run} and carried
 * out by {@link RolesApply}.
 *
 * <pre>
 * identity                 etcd role                         reads                       writes
 * operator                 switchboard-operator              root/services/, status/     root/services/
 * bridge                   switchboard-bridge                root/services/, bridge/     root/services/, root/bridge/
 * agent-S-N (per node)     switchboard-agent-S-N             root/services/S/            root/status/S/N/
 * </pre>
 *
 * <p>ZooKeeper: ACLs are per node, so the plan lists the nodes of the tree's top with their ACLs:
 * {@code root} and {@code root/services} writable by operator and bridge, {@code root/status} and
 * {@code root/status/S} read-only, {@code root/status/S/N} writable by that node's agent; everything
 * readable by anyone (status and desired state are not secret; writes are what matter).
 */
record RolesPlan(String root, String operatorUser, String bridgeUser, List<Agent> agents) {
  static final String OPERATOR_ROLE = "switchboard-operator";
  static final String BRIDGE_ROLE = "switchboard-bridge";

  /** One agent identity: a service's node. */
  record Agent(String service, String node) {
    String user() {
      return "agent-" + service + "-" + node;
    }

    String role() {
      return "switchboard-agent-" + service + "-" + node;
    }
  }

  /** One etcd step, with its etcdctl equivalent. */
  sealed interface EtcdStep {
    String etcdctl();
  }

  record RoleAdd(String role) implements EtcdStep {
    public String etcdctl() {
      return "role add " + role;
    }
  }

  /** {@code type} is {@code read}, {@code write} or {@code readwrite}; the permission covers every key under {@code prefix}. */
  record Grant(String role, String type, String prefix) implements EtcdStep {
    public String etcdctl() {
      return "role grant-permission " + role + " " + type + " " + prefix + " --prefix=true";
    }
  }

  /** Adds the user when it does not exist, with the password from {@code <password-dir>/<user>}. */
  record UserAdd(String user) implements EtcdStep {
    public String etcdctl() {
      return "user add " + user + " --interactive=false < " + user + ".pw";
    }
  }

  record UserGrant(String user, String role) implements EtcdStep {
    public String etcdctl() {
      return "user grant-role " + user + " " + role;
    }
  }

  /** A ZooKeeper node of the tree's top and its ACL ({@code scheme:id:perms} entries). */
  record ZkNode(String path, List<String> acl) {
    ZkNode {
      acl = List.copyOf(acl);
    }

    String zkCli() {
      return "create " + path + " \"\" " + String.join(",", acl) + "    # or: setAcl " + path + " " + String.join(",", acl);
    }
  }

  RolesPlan {
    Objects.requireNonNull(root, "root == null");
    agents = List.copyOf(agents);
  }

  private String under(String path) {
    return ("/".equals(root) ? "" : root) + path;
  }

  List<EtcdStep> etcd() {
    List<EtcdStep> l = new ArrayList<>();
    l.add(new RoleAdd(OPERATOR_ROLE));
    l.add(new Grant(OPERATOR_ROLE, "readwrite", under("/services/")));
    l.add(new Grant(OPERATOR_ROLE, "read", under("/status/")));
    l.add(new RoleAdd(BRIDGE_ROLE));
    l.add(new Grant(BRIDGE_ROLE, "readwrite", under("/services/")));
    l.add(new Grant(BRIDGE_ROLE, "readwrite", under("/bridge/")));
    for (Agent a : agents) {
      l.add(new RoleAdd(a.role()));
      l.add(new Grant(a.role(), "read", under("/services/" + a.service() + "/")));
      l.add(new Grant(a.role(), "readwrite", under("/status/" + a.service() + "/" + a.node() + "/")));
    }
    l.add(new UserAdd(operatorUser));
    l.add(new UserGrant(operatorUser, OPERATOR_ROLE));
    l.add(new UserAdd(bridgeUser));
    l.add(new UserGrant(bridgeUser, BRIDGE_ROLE));
    for (Agent a : agents) {
      l.add(new UserAdd(a.user()));
      l.add(new UserGrant(a.user(), a.role()));
    }
    return l;
  }

  List<ZkNode> zookeeper() {
    List<String> writers = List.of("sasl:" + operatorUser + ":cdrwa", "sasl:" + bridgeUser + ":cdrwa", "world:anyone:r");
    List<ZkNode> l = new ArrayList<>();
    if (!"/".equals(root)) l.add(new ZkNode(root, writers));
    l.add(new ZkNode(under("/services"), writers));
    l.add(new ZkNode(under("/status"), List.of("world:anyone:r")));
    List<String> services = new ArrayList<>();
    for (Agent a : agents) {
      if (!services.contains(a.service())) {
        services.add(a.service());
        l.add(new ZkNode(under("/status/" + a.service()), List.of("world:anyone:r")));
      }
      l.add(new ZkNode(under("/status/" + a.service() + "/" + a.node()), List.of("sasl:" + a.user() + ":cdrwa", "world:anyone:r")));
    }
    return l;
  }
}
