package dev.switchboard.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MappingTest {
  @Test
  void theSeedLayoutMapsBothWays() {
    Mapping m = Mapping.of("/plugins/{name}/enabled", "/plugins/{name}");
    assertThat(m.toZk("/plugins/rate-limit/enabled")).contains("/plugins/rate-limit");
    assertThat(m.toEtcd("/plugins/rate-limit")).contains("/plugins/rate-limit/enabled");
    assertThat(m.toZk("/plugins/rate-limit/other")).isEmpty();
    assertThat(m.toZk("/plugins/Bad/enabled")).as("names follow the contract rule").isEmpty();
    assertThat(m.toEtcd("/plugins/a/b")).isEmpty();
    assertThat(m.etcdPrefix()).isEqualTo("/plugins");
    assertThat(m.zkPrefix()).isEqualTo("/plugins");
  }

  @Test
  void aSubtreeMapsEveryPathUnderIt() {
    Mapping m = Mapping.subtree("/switchboard/services");
    assertThat(m.toZk("/switchboard/services/a/plugins/b/enabled")).contains("/switchboard/services/a/plugins/b/enabled");
    assertThat(m.toZk("/switchboard/services")).isEmpty();
    assertThat(m.toZk("/switchboard/status/a")).isEmpty();
  }

  @Test
  void mappingsNeverTouchStatusOrTheBridgeOwnKeysAndNeverOverlap() {
    Mappings ms = new Mappings("/switchboard", List.of(Mapping.of("/plugins/{name}/enabled", "/plugins/{name}")), "/switchboard/bridge");
    assertThat(ms.fromEtcd("/switchboard/status/svc/node/agent")).isEmpty();
    assertThat(ms.fromEtcd("/switchboard/bridge/ledger/x")).isEmpty();
    assertThat(ms.fromZk("/plugins/x")).get().extracting(Mappings.Pair::etcdKey).isEqualTo("/plugins/x/enabled");
    assertThatThrownBy(() -> new Mappings("/switchboard", List.of(Mapping.of("/switchboard/status/{n}", "/s/{n}")), "/switchboard/bridge"))
        .hasMessageContaining("never bridged");
    assertThatThrownBy(() -> new Mappings("/switchboard", List.of(Mapping.of("/switchboard/services/x/{n}", "/s/{n}")), "/switchboard/bridge"))
        .hasMessageContaining("overlaps");
  }

  @Test
  void badTemplatesAreRejectedNamingTheProblem() {
    assertThatThrownBy(() -> Mapping.of("/a/{x}", "/b/{y}")).hasMessageContaining("same variables");
    assertThatThrownBy(() -> Mapping.of("/a//{x}", "/b/{x}")).hasMessageContaining("not an absolute path");
    assertThatThrownBy(() -> Mapping.of("/{x}", "/b/{x}")).hasMessageContaining("literal segment");
    assertThatThrownBy(() -> Mapping.of("/a/{**}/x", "/b/{**}/x")).hasMessageContaining("last segment");
  }

  @Test
  void theTrafficKeyIsBridgedBothWaysLikeEveryDesiredStateKey() {
    Mappings ms = new Mappings("/switchboard", List.of(), "/switchboard/bridge");
    String key = "/switchboard/services/shop/plugins/rate-limit/traffic";
    assertThat(ms.fromEtcd(key)).get().extracting(Mappings.Pair::zkKey).isEqualTo(key);
    assertThat(ms.fromZk(key)).get().extracting(Mappings.Pair::etcdKey).isEqualTo(key);
  }
}
