package dev.switchboard.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DevPlanTest {
  private final Map<String, DevPlan.Jar> jars = new HashMap<>();
  private final Map<String, String> configs = new HashMap<>();
  private final Map<String, DevPlan.Attempt> attempted = new HashMap<>();

  private void jar(String file, String id, String sha, long order) {
    jars.put(file, new DevPlan.Jar(new JarCheck.JarInfo(Path.of(file), id, "v-" + sha, sha, 10), order));
  }

  private List<DevPlan.Action> plan(Set<String> broken) {
    return DevPlan.plan(jars, configs, broken, attempted);
  }

  @Test
  void aNewJarIsActivatedWithTheConfigBesideItOrAnEmptyOne() {
    jar("a.jar", "a", "s1", 1);
    jar("b.jar", "b", "s2", 2);
    configs.put("b", "{\"x\":1}");
    assertThat(plan(Set.of())).containsExactly(
        new DevPlan.Activate("a", jars.get("a.jar").info(), "{}"),
        new DevPlan.Activate("b", jars.get("b.jar").info(), "{\"x\":1}"));
  }

  @Test
  void whatWasAttemptedAlreadyIsNotAskedAgainEvenIfItWasRefused() {
    jar("a.jar", "a", "s1", 1);
    attempted.put("a", new DevPlan.Attempt("s1", "{}"));
    assertThat(plan(Set.of())).isEmpty();
  }

  @Test
  void aChangedJarOrConfigIsActivatedAgain() {
    jar("a.jar", "a", "s2", 2);
    attempted.put("a", new DevPlan.Attempt("s1", "{}"));
    assertThat(plan(Set.of())).extracting(DevPlan.Action::pluginId).containsExactly("a");
    attempted.put("a", new DevPlan.Attempt("s2", "{}"));
    configs.put("a", "{\"y\":2}");
    assertThat(plan(Set.of())).containsExactly(new DevPlan.Activate("a", jars.get("a.jar").info(), "{\"y\":2}"));
  }

  @Test
  void theJarThatSettledLastWinsWhenTwoDeclareTheSameId() {
    jar("a-1.jar", "a", "s1", 1);
    jar("a-2.jar", "a", "s2", 2);
    assertThat(plan(Set.of())).containsExactly(new DevPlan.Activate("a", jars.get("a-2.jar").info(), "{}"));
    attempted.put("a", new DevPlan.Attempt("s2", "{}"));
    jars.remove("a-2.jar");
    assertThat(plan(Set.of())).as("the remaining jar takes over").containsExactly(
        new DevPlan.Activate("a", jars.get("a-1.jar").info(), "{}"));
  }

  @Test
  void aPluginNoJarDeclaresAnyMoreIsDeactivatedFirst() {
    jar("b.jar", "b", "s2", 1);
    attempted.put("a", new DevPlan.Attempt("s1", "{}"));
    assertThat(plan(Set.of())).containsExactly(new DevPlan.Deactivate("a"),
        new DevPlan.Activate("b", jars.get("b.jar").info(), "{}"));
  }

  @Test
  void aBrokenConfigKeepsThePluginAsItRuns() {
    jar("a.jar", "a", "s2", 2);
    attempted.put("a", new DevPlan.Attempt("s1", "{}"));
    assertThat(plan(Set.of("a"))).isEmpty();
  }
}
