package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.runtime.ExtensionOwners;
import dev.switchboard.api.runtime.ManagedContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MethodAdviceTest {
  private static final AdviceHandler NOOP = call -> {};

  @Test
  void aCompleteDeclarationKeepsEveryField() {
    AdviceHandler after = call -> {};
    MethodAdvice a = MethodAdvice.onSubtypesOf("org.example.Outer$Inner").method("handle")
        .descriptor("([Ljava/lang/String;IJ)Ljava/util/List;").before(NOOP).afterReturn(after).mayChangeResult().build();
    assertThat(a.typeName()).isEqualTo("org.example.Outer$Inner");
    assertThat(a.match()).isEqualTo(MethodAdvice.Match.SUBTYPES);
    assertThat(a.methodName()).isEqualTo("handle");
    assertThat(a.descriptor()).isEqualTo("([Ljava/lang/String;IJ)Ljava/util/List;");
    assertThat(a.before()).isSameAs(NOOP);
    assertThat(a.afterReturn()).isSameAs(after);
    assertThat(a.onThrow()).isNull();
    assertThat(a.mayChangeResult()).isTrue();
    assertThat(a.mayThrow()).isFalse();
    assertThat(a.target()).isEqualTo("subtypes of org.example.Outer$Inner#handle([Ljava/lang/String;IJ)Ljava/util/List;");
  }

  @Test
  void aTypeNameThatIsNotABinaryNameIsRefusedByValue() {
    for (String bad : new String[] {"", "org/example/Foo", "org.example.", "1abc", "org..Foo", "org.example.Foo[]"}) {
      assertThatThrownBy(() -> MethodAdvice.on(bad).method("m").before(NOOP).build())
          .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.code()).isEqualTo(PluginException.Code.BAD_ADVICE))
          .hasMessageContaining("type name").hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> MethodAdvice.on(null).method("m").before(NOOP).build()).hasMessageContaining("'null'");
  }

  @Test
  void aMissingOrInvalidMethodNameIsRefused() {
    assertThatThrownBy(() -> MethodAdvice.on("a.B").before(NOOP).build()).hasMessageContaining("method name is missing")
        .hasMessageContaining("a.B");
    assertThatThrownBy(() -> MethodAdvice.on("a.B").method("do-it").before(NOOP).build())
        .hasMessageContaining("not a Java identifier: 'do-it'");
  }

  @Test
  void constructorsAndInitialisersAreRefused() {
    for (String m : new String[] {"<init>", "<clinit>"}) {
      assertThatThrownBy(() -> MethodAdvice.on("a.B").method(m).before(NOOP).build())
          .hasMessageContaining("constructors and static initialisers cannot be advised: '" + m + "'");
    }
  }

  @Test
  void aMalformedDescriptorIsRefusedByValue() {
    for (String bad : new String[] {"()", "(I)", "(Ljava.lang.String;)V", "(X)V", "(Ljava/lang/String)V", "I()V", "(V)V"}) {
      assertThatThrownBy(() -> MethodAdvice.on("a.B").method("m").descriptor(bad).before(NOOP).build())
          .hasMessageContaining("descriptor is not a JVM method descriptor").hasMessageContaining("'" + bad + "'");
    }
    assertThat(MethodAdvice.on("a.B").method("m").descriptor("()V").before(NOOP).build().descriptor()).isEqualTo("()V");
    assertThat(MethodAdvice.on("a.B").method("m").descriptor("([[I)[Ljava/lang/Object;").before(NOOP).build()).isNotNull();
  }

  @Test
  void anAdviceWithoutHandlersIsRefused() {
    assertThatThrownBy(() -> MethodAdvice.on("a.B").method("m").build())
        .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.code()).isEqualTo(PluginException.Code.BAD_ADVICE))
        .hasMessageContaining("no handler");
  }

  @Test
  void aContextWithoutTheRuntimesWeaverRefusesAdviceNamingTheTarget() {
    ManagedContext ctx = new ManagedContext("p", "1", PluginConfig.of(Map.of()), ExtensionOwners.create("p@1"), null,
        Duration.ofSeconds(1));
    MethodAdvice a = MethodAdvice.on("a.B").method("m").before(NOOP).build();
    assertThatThrownBy(() -> ctx.advise(a))
        .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.code()).isEqualTo(PluginException.Code.ADVICE_REFUSED))
        .hasMessageContaining("a.B#m");
    ctx.adviceSink(advice -> {
      throw new PluginException(PluginException.Code.ADVICE_REFUSED, "sink saw " + advice.target());
    });
    assertThatThrownBy(() -> ctx.advise(a)).hasMessageContaining("sink saw a.B#m");
    ctx.close(Duration.ofMillis(10), null);
    assertThatThrownBy(() -> ctx.advise(a))
        .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.code()).isEqualTo(PluginException.Code.CLOSED));
  }
}
