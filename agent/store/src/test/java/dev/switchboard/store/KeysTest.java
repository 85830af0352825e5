package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeysTest {
  @Test
  void namesFollowTheContractRule() {
    assertThat(Keys.isValidName("rate-limit")).isTrue();
    assertThat(Keys.isValidName("a")).isTrue();
    assertThat(Keys.isValidName("node.1_x")).isTrue();
    assertThat(Keys.isValidName("a".repeat(63))).isTrue();
    assertThat(Keys.isValidName("a".repeat(64))).isFalse();
    assertThat(Keys.isValidName("-a")).isFalse();
    assertThat(Keys.isValidName("A")).isFalse();
    assertThat(Keys.isValidName("")).isFalse();
    assertThat(Keys.isValidName(null)).isFalse();
    assertThat(Keys.isValidName("a/b")).isFalse();
    assertThatThrownBy(() -> Keys.requireName("plugin", "Bad"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("plugin name is invalid: \"Bad\"");
  }

  @Test
  void pathsImpossibleInZooKeeperAreRejectedWithTheReason() {
    assertThat(Keys.pathProblem("/switchboard/services/a/plugins/b/enabled")).isEmpty();
    assertThat(Keys.pathProblem("/a//b")).get().asString().contains("empty segment");
    assertThat(Keys.pathProblem("/a/b/")).get().asString().contains("ends with '/'");
    assertThat(Keys.pathProblem("/a/./b")).get().asString().contains("'.' segment");
    assertThat(Keys.pathProblem("/a/../b")).get().asString().contains("'..' segment");
    assertThat(Keys.pathProblem("a/b")).get().asString().contains("does not start with '/'");
    assertThat(Keys.pathProblem("/")).isPresent();
    assertThat(Keys.pathProblem("")).isPresent();
    assertThat(Keys.pathProblem("/a\u0000b")).get().asString().contains("control character");
    assertThat(Keys.pathProblem("/a\ud800b")).get().asString().contains("UTF-8");
    assertThat(Keys.pathProblem(new byte[] {'/', 'a', (byte) 0xff})).get().asString().contains("not valid UTF-8");
    assertThat(Keys.pathProblem("/grüße".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThatThrownBy(() -> Keys.requirePath("/a//b")).isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(((StoreException) e).code()).isEqualTo(StoreException.Code.INVALID_KEY));
  }

  @Test
  void joinAndRelativeAreInverse() {
    String k = Keys.join("/switchboard", "services", "checkout");
    assertThat(k).isEqualTo("/switchboard/services/checkout");
    assertThat(Keys.relative(k, "/switchboard")).isEqualTo("services/checkout");
    assertThat(Keys.isUnder(k, "/switchboard")).isTrue();
    assertThat(Keys.isUnder("/switchboardx/a", "/switchboard")).isFalse();
    assertThat(Keys.isUnder("/a", "/")).isTrue();
    assertThat(Keys.join("/", "a")).isEqualTo("/a");
  }

  @Test
  void optionsRejectBadValuesNamingThem() {
    assertThatThrownBy(() -> EtcdOptions.builder("localhost:2379").build()).hasMessageContaining("http(s)://host:port");
    assertThatThrownBy(() -> EtcdOptions.builder("http://127.0.0.1:2379").maxValueBytes(0).build()).hasMessageContaining("maxValueBytes");
    assertThat(EtcdOptions.builder("http://127.0.0.1:1, http://127.0.0.1:2").build().endpoints()).hasSize(2);
    assertThatThrownBy(() -> ZooKeeperOptions.builder("127.0.0.1").build()).hasMessageContaining("host:port");
    assertThatThrownBy(() -> ZooKeeperOptions.builder("127.0.0.1:2181").maxValueBytes(2 * 1024 * 1024).build())
        .hasMessageContaining("maxValueBytes");
  }

  @Test
  void changeKeepsTheThreeArgumentFormAndTheEphemeralFlag() {
    Change c = new Change("/a", new byte[] {1}, 3);
    assertThat(c.ephemeral()).isFalse();
    assertThat(new Change("/a", new byte[] {1}, 3, true)).isNotEqualTo(c);
    assertThat(new Entry("/a", new byte[] {1}, 3, true).ephemeral()).isTrue();
  }
}
