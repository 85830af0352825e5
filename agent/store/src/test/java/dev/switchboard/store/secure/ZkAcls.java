package dev.switchboard.store.secure;

import dev.switchboard.testkit.SecuredZooKeeper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/** What docs/security.md's zkCli commands do ("ZooKeeper ACLs"), as the digest super user. */
final class ZkAcls {
  private ZkAcls() {}

  static CuratorFramework admin(SecuredZooKeeper zk) throws InterruptedException {
    CuratorFramework c = CuratorFrameworkFactory.builder().connectString(zk.connectString()).retryPolicy(new RetryOneTime(200))
        .authorization("digest", (SecuredZooKeeper.SUPER + ":" + zk.superPassword()).getBytes(StandardCharsets.UTF_8)).build();
    c.start();
    c.blockUntilConnected();
    return c;
  }

  static ACL acl(String scheme, String id, int perms) {
    return new ACL(perms, new Id(scheme, id));
  }

  static void setUp(SecuredZooKeeper zk, String service, String node, String agentUser) throws Exception {
    ACL read = acl("world", "anyone", 1);
    List<ACL> writers = List.of(acl("sasl", "operator", 31), acl("sasl", "bridge", 31), read);
    try (CuratorFramework admin = admin(zk)) {
      admin.create().withACL(writers).forPath("/switchboard");
      admin.create().withACL(writers).forPath("/switchboard/services");
      admin.create().withACL(List.of(read)).forPath("/switchboard/status");
      admin.create().withACL(List.of(read)).forPath("/switchboard/status/" + service);
      admin.create().withACL(List.of(acl("sasl", agentUser, 31), read)).forPath("/switchboard/status/" + service + "/" + node);
    }
  }
}
