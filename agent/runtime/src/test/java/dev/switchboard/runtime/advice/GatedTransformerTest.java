package dev.switchboard.runtime.advice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.MethodAdvice;
import java.lang.instrument.ClassFileTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GatedTransformerTest {
  private final List<String> seen = new ArrayList<>();
  private final ClassFileTransformer weaver = new ClassFileTransformer() {
    @Override
    public byte[] transform(Module m, ClassLoader l, String name, Class<?> c, java.security.ProtectionDomain pd, byte[] b) {
      seen.add(name);
      return new byte[] {1};
    }
  };

  private static AdviceEntry entry(MethodAdvice.Builder b) {
    return new AdviceEntry(new PluginAdvice(null, "p", "p@1"), b.method("m").before(c -> {}).build(), 1);
  }

  @Test
  void classLoadsReachTheWeaverOnlyWhenSomeLiveAdviceCouldMatch() throws Exception {
    AtomicReference<List<AdviceEntry>> weaving = new AtomicReference<>(List.of());
    GatedTransformer t = new GatedTransformer(weaving::get, weaver);
    assertThat(t.transform(null, null, "org/example/Server", null, null, new byte[0])).as("no advice").isNull();

    weaving.set(List.of(entry(MethodAdvice.on("org.example.Server$Inner"))));
    assertThat(t.transform(null, null, "org/example/Other", null, null, new byte[0])).isNull();
    assertThat(t.transform(null, null, "org/example/Server$Inner", null, null, new byte[0])).isNotNull();

    weaving.set(List.of(entry(MethodAdvice.onSubtypesOf("org.example.Handler"))));
    assertThat(t.transform(null, null, "org/example/Other", null, null, new byte[0])).as("a subtype advice needs the weaver")
        .isNotNull();
    assertThat(seen).containsExactly("org/example/Server$Inner", "org/example/Other");
  }
}
