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
    GatedTransformer t = new GatedTransformer(weaving::get, weaver, new WovenClasses());
    assertThat(t.transform(null, null, "org/example/Server", null, null, new byte[0])).as("no advice").isNull();

    weaving.set(List.of(entry(MethodAdvice.on("org.example.Server$Inner"))));
    assertThat(t.transform(null, null, "org/example/Other", null, null, new byte[0])).isNull();
    assertThat(t.transform(null, null, "org/example/Server$Inner", null, null, new byte[0])).isNotNull();

    weaving.set(List.of(entry(MethodAdvice.onSubtypesOf("org.example.Handler"))));
    assertThat(t.transform(null, null, "org/example/Other", null, null, new byte[0])).as("a subtype advice needs the weaver")
        .isNotNull();
    assertThat(seen).containsExactly("org/example/Server$Inner", "org/example/Other");
  }

  @Test
  void aWovenClassReportsItsOriginalAndCurrentBytesAndARestoreThatLeavesItAloneMakesThemEqual() throws Exception {
    AtomicReference<List<AdviceEntry>> weaving = new AtomicReference<>(List.of(entry(MethodAdvice.on("org.example.Server"))));
    WovenClasses woven = new WovenClasses();
    GatedTransformer t = new GatedTransformer(weaving::get, weaver, woven);
    byte[] original = {7, 7, 7};
    assertThat(t.transform(null, null, "org/example/Other", String.class, null, original)).isNull();
    assertThat(woven.report()).as("a class never woven is not tracked").isEmpty();

    assertThat(t.transform(null, null, "org/example/Server", String.class, null, original)).containsExactly(1);
    assertThat(woven.wovenNow()).isEqualTo(1);
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> server = (java.util.Map<String, Object>) woven.report().get("org.example.Server");
    assertThat(server).containsEntry("original", WovenClasses.sha256(original))
        .containsEntry("current", WovenClasses.sha256(new byte[] {1})).containsEntry("restored", false);

    weaving.set(List.of()); // the advice is gone: the restoring retransformation leaves the JVM's bytes alone
    assertThat(t.transform(null, null, "org/example/Server", String.class, null, new byte[] {7, 7, 8})).isNull();
    assertThat(woven.report().get("org.example.Server")).as("other bytes than the original: not restored")
        .hasToString("{original=" + WovenClasses.sha256(original) + ", current=" + WovenClasses.sha256(new byte[] {7, 7, 8})
            + ", restored=false}");
    assertThat(t.transform(null, null, "org/example/Server", String.class, null, original.clone())).isNull();
    assertThat(woven.wovenNow()).isZero();
    assertThat(woven.report().get("org.example.Server")).hasToString("{original=" + WovenClasses.sha256(original)
        + ", current=" + WovenClasses.sha256(original) + ", restored=true}");
  }
}
