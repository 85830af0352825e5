package dev.switchboard.runtime.advice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdviceRulesTest {
  @Test
  void jdkAndSwitchboardClassesAreRefusedNamingThePropertyThatAllowsThem() {
    AdviceRules rules = new AdviceRules(List.of(), 10);
    for (String c : new String[] {"java.lang.String", "javax.net.ssl.SSLEngine", "jdk.internal.misc.Unsafe", "sun.nio.ch.Net",
        "com.sun.net.httpserver.HttpServer", "dev.switchboard.api.Extensions", "dev.switchboard.runtime.boot.Boot",
        "dev.switchboard.dispatch.Dispatch"}) {
      assertThat(rules.refusal(c)).as(c).contains(c + " is refused").contains(AdviceRules.ALLOW_PROPERTY);
    }
    assertThat(rules.refusal("org.eclipse.jetty.server.Response")).isNull();
    assertThat(rules.refusal("dev.switchboard.sample.host.FilterChain")).as("a host's own dev.switchboard.sample class").isNull();
  }

  @Test
  void aHostAllowsRefusedClassesByPrefix() {
    AdviceRules rules = AdviceRules.from(Map.of(AdviceRules.ALLOW_PROPERTY, " java.util.concurrent.ThreadPoolExecutor , sun.net.")::get,
        new ArrayList<>());
    assertThat(rules.refusal("java.util.concurrent.ThreadPoolExecutor")).isNull();
    assertThat(rules.refusal("sun.net.www.http.HttpClient")).isNull();
    assertThat(rules.refusal("java.util.concurrent.ForkJoinPool")).isNotNull();
  }

  @Test
  void aBadFailureLimitIsReportedByValueAndTheDefaultKept() {
    List<String> problems = new ArrayList<>();
    AdviceRules rules = AdviceRules.from(Map.of(AdviceRules.MAX_FAILURES_PROPERTY, "zero")::get, problems);
    assertThat(rules.maxFailures()).isEqualTo(AdviceRules.DEFAULT_MAX_FAILURES);
    assertThat(problems).singleElement().asString().contains(AdviceRules.MAX_FAILURES_PROPERTY + "='zero'");
    problems.clear();
    assertThat(AdviceRules.from(Map.of(AdviceRules.MAX_FAILURES_PROPERTY, "0")::get, problems).maxFailures())
        .isEqualTo(AdviceRules.DEFAULT_MAX_FAILURES);
    assertThat(problems).hasSize(1);
    assertThat(AdviceRules.from(Map.of(AdviceRules.MAX_FAILURES_PROPERTY, "3")::get, new ArrayList<>()).maxFailures()).isEqualTo(3);
  }
}
