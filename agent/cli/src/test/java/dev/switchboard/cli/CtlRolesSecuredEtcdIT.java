package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.Secret;
import dev.switchboard.store.TlsFiles;
import dev.switchboard.testkit.SecuredEtcd;
import dev.switchboard.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ctl roles apply} against an etcd requiring client certificates and users: the roles and users it
 * writes are the least-privilege model of docs/security.md, enforced by etcd itself.
 */
class CtlRolesSecuredEtcdIT {
  @RegisterExtension static final SecuredEtcd etcd = SecuredEtcd.create();

  static TestCertificates.Pair client;
  static Path passwords;
  static CtlSecuredEtcdIT.Result applied;

  @BeforeAll
  static void applyAsRoot() throws Exception {
    client = etcd.pki().client("switchboard-roles-client");
    passwords = Files.createDirectories(etcd.pki().dir().resolve("passwords"));
    Files.writeString(passwords.resolve("operator"), "op-pw\n");
    Files.writeString(passwords.resolve("bridge"), "br-pw\n");
    Files.writeString(passwords.resolve("agent-checkout-node-1"), "a1-pw\n");
    Files.writeString(passwords.resolve("agent-checkout-node-2"), "a2-pw\n");
    applied = CtlSecuredEtcdIT.ctl(asRoot("roles", "apply", "--agent", "checkout/node-1", "--agent", "checkout/node-2",
        "--password-dir", passwords.toString()));
  }

  static String[] asRoot(String... verb) {
    String[] tail = {"--etcd", etcd.endpoint(), "--cacert", etcd.pki().caFile().toString(),
        "--cert", etcd.rootClient().cert().toString(), "--key", etcd.rootClient().key().toString()};
    String[] all = new String[verb.length + tail.length];
    System.arraycopy(verb, 0, all, 0, verb.length);
    System.arraycopy(tail, 0, all, verb.length, tail.length);
    return all;
  }

  static KeySpace as(String user) {
    EtcdOptions o = EtcdOptions.builder().endpoints(java.util.List.of(etcd.endpoint()))
        .tls(new TlsFiles(etcd.pki().caFile(), client.cert(), client.key()))
        .auth(user, Secret.file(passwords.resolve(user)))
        .operationTimeout(Duration.ofSeconds(15))
        .build();
    return KeySpaces.etcd(o);
  }

  static void put(KeySpace ks, String key) throws Exception {
    ks.put(key, "{}".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
  }

  @Test
  void theVerbWritesEveryRoleAndUserAndSaysWhatItDid() {
    assertThat(applied.exit()).as(applied.err()).isZero();
    assertThat(applied.out())
        .contains("role grant-permission switchboard-agent-checkout-node-1 readwrite /switchboard/status/checkout/node-1/ --prefix=true")
        .contains("user grant-role agent-checkout-node-1 switchboard-agent-checkout-node-1")
        .doesNotContain("a1-pw");
    assertThat(etcd.etcdctl("role", "get", "switchboard-agent-checkout-node-1"))
        .contains("/switchboard/services/checkout/").contains("/switchboard/status/checkout/node-1/");
    assertThat(etcd.etcdctl("user", "get", "operator")).contains("switchboard-operator");
  }

  @Test
  void withTheAgentsUserWritingDesiredStateOrAnotherNodesStatusIsRefusedAndItsOwnStatusWorks() throws Exception {
    assertThat(applied.exit()).as(applied.err()).isZero();
    try (KeySpace agent = as("agent-checkout-node-1")) {
      assertThatThrownBy(() -> put(agent, "/switchboard/services/checkout/plugins/p/enabled"))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("permission denied");
      assertThatThrownBy(() -> put(agent, "/switchboard/status/checkout/node-2/agent"))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("permission denied");
      assertThatThrownBy(() -> put(agent, "/switchboard/status/billing/node-1/agent"))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("permission denied");
      agent.putLive("/switchboard/status/checkout/node-1/agent", "{\"attached\":true}".getBytes(StandardCharsets.UTF_8))
          .get(30, TimeUnit.SECONDS);
      // leased: it lives while this client does
      assertThat(etcd.etcdctl("get", "/switchboard/status/checkout/node-1/agent")).contains("\"attached\":true");
      put(agent, "/switchboard/status/checkout/node-1/plugins/p");
    }
    assertThat(etcd.etcdctl("get", "/switchboard/status/checkout/node-1/plugins/p")).contains("{}");
    assertThat(etcd.etcdctl("get", "/switchboard/status/checkout/node-2/agent")).doesNotContain("node-2");
  }

  @Test
  void theOperatorWritesDesiredStateAndTheAgentReadsItsServiceOnly() throws Exception {
    assertThat(applied.exit()).as(applied.err()).isZero();
    try (KeySpace operator = as("operator")) {
      put(operator, "/switchboard/services/checkout/plugins/p/enabled");
      put(operator, "/switchboard/services/billing/plugins/p/enabled");
      assertThatThrownBy(() -> put(operator, "/switchboard/status/checkout/node-1/forged"))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("permission denied");
    }
    try (KeySpace agent = as("agent-checkout-node-1")) {
      assertThat(agent.get("/switchboard/services/checkout/plugins/p/enabled").get(30, TimeUnit.SECONDS)).isPresent();
      assertThatThrownBy(() -> agent.get("/switchboard/services/billing/plugins/p/enabled").get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("permission denied");
    }
  }

  @Test
  void applyingAgainKeepsWhatExistsAndSucceeds() {
    assertThat(applied.exit()).as(applied.err()).isZero();
    CtlSecuredEtcdIT.Result again = CtlSecuredEtcdIT.ctl(asRoot("roles", "apply", "--agent", "checkout/node-1"));
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).contains("# role switchboard-operator exists").contains("# user agent-checkout-node-1 exists (password unchanged)");
  }

  @Test
  void aNewUserWithoutAPasswordFileFailsNamingTheFileItNeeds() {
    CtlSecuredEtcdIT.Result r = CtlSecuredEtcdIT.ctl(asRoot("roles", "apply", "--agent", "checkout/node-9", "--password-dir", passwords.toString()));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains(passwords.resolve("agent-checkout-node-9").toString());
  }

  @Test
  void aDryRunPrintsTheEtcdctlActionsAndChangesNothing() {
    CtlSecuredEtcdIT.Result r = CtlSecuredEtcdIT.ctl(asRoot("roles", "apply", "--dry-run", "--agent", "shop/node-7"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("etcdctl role add switchboard-agent-shop-node-7")
        .contains("etcdctl role grant-permission switchboard-agent-shop-node-7 read /switchboard/services/shop/ --prefix=true")
        .contains("etcdctl role grant-permission switchboard-agent-shop-node-7 readwrite /switchboard/status/shop/node-7/ --prefix=true")
        .contains("etcdctl user add agent-shop-node-7 --interactive=false < agent-shop-node-7.pw");
    assertThat(etcd.etcdctl("role", "list")).doesNotContain("switchboard-agent-shop-node-7");
  }
}
