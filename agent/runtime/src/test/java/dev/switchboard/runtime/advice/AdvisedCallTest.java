package dev.switchboard.runtime.advice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.AdviceHandler;
import dev.switchboard.api.MethodAdvice;
import dev.switchboard.api.PluginException;
import dev.switchboard.dispatch.Dispatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dispatch logic behind woven code (no weaving here: the real weaving is tested in host JVMs). */
class AdvisedCallTest {
  private static final SiteInfo SITE = new SiteInfo(1, "org.example.Server", "handle", "(Ljava/lang/String;)Ljava/lang/String;",
      Set.of("java.lang.Object"));

  private final List<String> calls = new ArrayList<>();

  private AdviceEntry entry(String pluginId, long seq, MethodAdvice.Builder b) {
    PluginAdvice owner = new PluginAdvice(null, pluginId, pluginId + "@1");
    return new AdviceEntry(owner, b.build(), seq);
  }

  private MethodAdvice.Builder logging(String name) {
    return MethodAdvice.on("org.example.Server").method("handle")
        .before(c -> calls.add(name + ".before(" + c.argument(0) + ")"))
        .afterReturn(c -> calls.add(name + ".after(" + c.returned() + ")"))
        .onThrow(c -> calls.add(name + ".throw(" + c.thrown().getMessage() + ")"));
  }

  private AdvisedSite site(AdviceEntry... entries) {
    List<AdviceEntry> list = new ArrayList<>(List.of(entries));
    list.sort(AdviceEntry.ORDER);
    AdvisedSite site = new AdvisedSite(7, SITE, null);
    site.update(list, 1);
    return site;
  }

  @Test
  void beforeHandlersRunInPluginIdOrderAndAfterHandlersInReverse() throws Throwable {
    AdvisedSite site = site(entry("zeta", 1, logging("zeta")), entry("alpha", 2, logging("alpha")));
    Object token = site.enter(String.class, "self", new Object[] {"req"});
    assertThat(Dispatch.exit(token, "ok", null)).isSameAs(Dispatch.SAME);
    assertThat(calls).containsExactly("alpha.before(req)", "zeta.before(req)", "zeta.after(ok)", "alpha.after(ok)");
    assertThat(site.chain().inFlight.sum()).isZero();
  }

  @Test
  void aCallExitsWithTheChainItEnteredWithAndIsCountedInFlightUntilThen() throws Throwable {
    AdviceEntry v1 = entry("p", 1, logging("v1"));
    AdvisedSite site = site(v1);
    Object token = site.enter(String.class, null, new Object[] {"a"});
    AdvisedSite.Chain old = site.chain();
    AdvisedSite.Chain replaced = site.update(List.of(entry("p", 2, logging("v2"))), 2);
    assertThat(replaced).isSameAs(old);
    assertThat(old.inFlight.sum()).isEqualTo(1);
    Dispatch.exit(token, "r", null);
    assertThat(old.inFlight.sum()).isZero();
    assertThat(calls).containsExactly("v1.before(a)", "v1.after(r)");
    Dispatch.exit(site.enter(String.class, null, new Object[] {"b"}), "s", null);
    assertThat(calls).endsWith("v2.before(b)", "v2.after(s)");
  }

  @Test
  void anOlderGenerationNeverReplacesANewerChain() {
    AdvisedSite site = site(entry("p", 1, logging("v1")));
    assertThat(site.update(List.of(), 0)).isNull();
    assertThat(site.chain().entries).hasSize(1);
  }

  @Test
  void changingTheResultOrThrowingNeedsTheOptIn() throws Throwable {
    List<Throwable> refusals = new ArrayList<>();
    AdviceHandler tryBoth = c -> {
      try {
        c.returnValue("other");
      } catch (PluginException e) {
        refusals.add(e);
      }
      try {
        c.throwInstead(new IllegalStateException("no"));
      } catch (PluginException e) {
        refusals.add(e);
      }
    };
    AdvisedSite site = site(entry("p", 1, MethodAdvice.on("org.example.Server").method("handle").afterReturn(tryBoth)));
    assertThat(Dispatch.exit(site.enter(String.class, null, new Object[] {"a"}), "r", null)).isSameAs(Dispatch.SAME);
    assertThat(refusals).hasSize(2).allSatisfy(e -> assertThat(((PluginException) e).code())
        .isEqualTo(PluginException.Code.ADVICE_REFUSED));
    assertThat(refusals.get(0)).hasMessageContaining("mayChangeResult()");
    assertThat(refusals.get(1)).hasMessageContaining("mayThrow()");
  }

  @Test
  void withTheOptInAHandlerReplacesTheResultRecoversFromAThrowOrThrowsInstead() throws Throwable {
    AdvisedSite replace = site(entry("p", 1, MethodAdvice.on("org.example.Server").method("handle").mayChangeResult()
        .afterReturn(c -> c.returnValue("changed")).onThrow(c -> c.returnValue("recovered"))));
    assertThat(Dispatch.exit(replace.enter(String.class, null, new Object[] {"a"}), "r", null)).isEqualTo("changed");
    assertThat(Dispatch.exit(replace.enter(String.class, null, new Object[] {"a"}), null, new RuntimeException("x")))
        .isEqualTo("recovered");

    IllegalStateException instead = new IllegalStateException("instead");
    AdvisedSite before = site(entry("p", 1, MethodAdvice.on("org.example.Server").method("handle").mayThrow()
        .before(c -> c.throwInstead(instead))));
    assertThatThrownBy(() -> before.enter(String.class, null, new Object[] {"a"})).isSameAs(instead);
    assertThat(before.chain().inFlight.sum()).as("a call refused before the method ran is not in flight").isZero();
  }

  @Test
  void aReplacementOfTheWrongTypeIsRefusedBeforeTheHostCouldCastIt() throws Throwable {
    List<Throwable> refusals = new ArrayList<>();
    AdvisedSite site = site(entry("p", 1, MethodAdvice.on("org.example.Server").method("handle").mayChangeResult()
        .afterReturn(c -> {
          try {
            c.returnValue(42);
          } catch (PluginException e) {
            refusals.add(e);
          }
        })));
    assertThat(Dispatch.exit(site.enter(String.class, null, new Object[] {"a"}), "r", null)).isSameAs(Dispatch.SAME);
    assertThat(refusals).singleElement().asString().contains("java.lang.Integer is not a java.lang.String");
    assertThat(ReturnTypes.problem("I", String.class, 1L)).contains("must be a Integer");
    assertThat(ReturnTypes.problem("I", String.class, 1)).isNull();
    assertThat(ReturnTypes.problem("V", String.class, "anything")).isNull();
  }
}
