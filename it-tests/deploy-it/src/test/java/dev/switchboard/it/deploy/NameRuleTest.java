package dev.switchboard.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.PluginDescriptor;
import dev.switchboard.store.Keys;
import org.junit.jupiter.api.Test;

/**
 * The name rule (services, nodes, plugins) is one rule written in two places: {@link Keys#NAME} for keys in the
 * stores and {@link PluginDescriptor#ID_RULE} in the plugin API, which depends on nothing and so cannot use the
 * store's. This test keeps the two the same.
 */
class NameRuleTest {
  @Test
  void thePluginApiAndTheStoreAcceptExactlyTheSameNames() {
    assertThat(PluginDescriptor.ID_RULE.pattern()).isEqualTo(Keys.NAME.pattern());
  }
}
