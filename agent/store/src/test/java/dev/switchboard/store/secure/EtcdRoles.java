package dev.switchboard.store.secure;

import dev.switchboard.testkit.SecuredEtcd;

/** The etcdctl commands of docs/security.md ("etcd roles"), run as root against a secured etcd. */
final class EtcdRoles {
  private EtcdRoles() {}

  static void setUp(SecuredEtcd etcd, String service, String node, String agentUser, String agentPassword,
                    String operatorUser, String operatorPassword, String bridgeUser, String bridgePassword) {
    String root = "/switchboard";
    // operator: writes desired state, reads status
    etcd.etcdctl("role", "add", "switchboard-operator");
    etcd.etcdctl("role", "grant-permission", "switchboard-operator", "readwrite", root + "/services/", "--prefix=true");
    etcd.etcdctl("role", "grant-permission", "switchboard-operator", "read", root + "/status/", "--prefix=true");
    // bridge: writes desired state, its ledger and leader keys
    etcd.etcdctl("role", "add", "switchboard-bridge");
    etcd.etcdctl("role", "grant-permission", "switchboard-bridge", "readwrite", root + "/services/", "--prefix=true");
    etcd.etcdctl("role", "grant-permission", "switchboard-bridge", "readwrite", root + "/bridge/", "--prefix=true");
    // one agent: reads its service's desired state, writes its own status subtree
    String agentRole = "switchboard-agent-" + service + "-" + node;
    etcd.etcdctl("role", "add", agentRole);
    etcd.etcdctl("role", "grant-permission", agentRole, "read", root + "/services/" + service + "/", "--prefix=true");
    etcd.etcdctl("role", "grant-permission", agentRole, "readwrite", root + "/status/" + service + "/" + node + "/", "--prefix=true");
    etcd.addUser(operatorUser, operatorPassword, "switchboard-operator");
    etcd.addUser(bridgeUser, bridgePassword, "switchboard-bridge");
    etcd.addUser(agentUser, agentPassword, agentRole);
  }
}
