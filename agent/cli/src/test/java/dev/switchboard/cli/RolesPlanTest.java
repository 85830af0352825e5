package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolesPlanTest {
  static final List<RolesPlan.Agent> AGENTS = List.of(new RolesPlan.Agent("checkout", "node-1"), new RolesPlan.Agent("checkout", "node-2"));

  @Test
  void eachAgentGetsItsOwnRoleReadingItsServiceAndWritingItsOwnStatus() {
    List<String> lines = new RolesPlan("/sb", "ops", "br", AGENTS).etcd().stream().map(RolesPlan.EtcdStep::etcdctl).toList();
    assertThat(lines).containsExactly(
        "role add switchboard-operator",
        "role grant-permission switchboard-operator readwrite /sb/services/ --prefix=true",
        "role grant-permission switchboard-operator read /sb/status/ --prefix=true",
        "role add switchboard-bridge",
        "role grant-permission switchboard-bridge readwrite /sb/services/ --prefix=true",
        "role grant-permission switchboard-bridge readwrite /sb/bridge/ --prefix=true",
        "role add switchboard-agent-checkout-node-1",
        "role grant-permission switchboard-agent-checkout-node-1 read /sb/services/checkout/ --prefix=true",
        "role grant-permission switchboard-agent-checkout-node-1 readwrite /sb/status/checkout/node-1/ --prefix=true",
        "role add switchboard-agent-checkout-node-2",
        "role grant-permission switchboard-agent-checkout-node-2 read /sb/services/checkout/ --prefix=true",
        "role grant-permission switchboard-agent-checkout-node-2 readwrite /sb/status/checkout/node-2/ --prefix=true",
        "user add ops --interactive=false < ops.pw",
        "user grant-role ops switchboard-operator",
        "user add br --interactive=false < br.pw",
        "user grant-role br switchboard-bridge",
        "user add agent-checkout-node-1 --interactive=false < agent-checkout-node-1.pw",
        "user grant-role agent-checkout-node-1 switchboard-agent-checkout-node-1",
        "user add agent-checkout-node-2 --interactive=false < agent-checkout-node-2.pw",
        "user grant-role agent-checkout-node-2 switchboard-agent-checkout-node-2");
  }

  @Test
  void zooKeeperAclsCoverTheTopOfTheTreeOnceEachServiceAndEachNode() {
    List<RolesPlan.ZkNode> nodes = new RolesPlan("/", "operator", "bridge", AGENTS).zookeeper();
    assertThat(nodes).extracting(RolesPlan.ZkNode::path)
        .containsExactly("/services", "/status", "/status/checkout", "/status/checkout/node-1", "/status/checkout/node-2");
    assertThat(nodes.get(0).acl()).containsExactly("sasl:operator:cdrwa", "sasl:bridge:cdrwa", "world:anyone:r");
    assertThat(nodes.get(2).acl()).containsExactly("world:anyone:r");
    assertThat(nodes.get(3).zkCli()).startsWith("create /status/checkout/node-1 \"\" sasl:agent-checkout-node-1:cdrwa,world:anyone:r");
  }

  @Test
  void aPrefixRangeEndsJustAfterEveryKeyStartingWithThePrefix() {
    assertThat(RolesApply.prefixEnd(ByteSequence.from("/a/", StandardCharsets.UTF_8)).toString(StandardCharsets.UTF_8)).isEqualTo("/a0");
    assertThat(RolesApply.prefixEnd(ByteSequence.from(new byte[] {1, (byte) 0xff})).getBytes()).containsExactly(2);
  }
}
