package dev.switchboard.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.sidecar.desired.Membership;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 2: a canary at 50 % puts exactly the pods the project's own rollout hashing selects on version 2,
 * the others stay on version 1; promoting it upgrades the rest; all under a steady request stream to both hosts with
 * no failed request and no request seeing an older version after a newer one.
 */
class UpgradeAndCanaryIT {
  @RegisterExtension static final SystemTopology SYSTEM = SystemTopology.builder().build();
  static final String PLUGIN = "response-header";
  static final String V1 = PLUGIN + "/1.0.0";
  static final String V2 = PLUGIN + "/2.0.0";

  @Test
  void aFiftyPercentCanaryRunsVersion2OnExactlyTheHashedPodsAndPromotionUpgradesTheRestWithoutAFailedRequest() {
    Flags flags = SYSTEM.flags();
    // with service "shop" and nodes pod-a/pod-b, 50 % selects exactly one pod (buckets 21 and 76)
    Set<String> expectedCanary = new TreeSet<>();
    for (Pod p : SYSTEM.pods()) {
      if (Membership.inside(SYSTEM.service(), PLUGIN, p.node(), Membership.CANARY_SALT, 50)) expectedCanary.add(p.node());
    }
    assertThat(expectedCanary).as("node names chosen so that 50 % is a strict, non-empty subset").isNotEmpty().hasSizeLessThan(SYSTEM.pods().size());

    try (Checker checker = SYSTEM.checker("UpgradeAndCanaryIT")) {
      flags.artifact(Store.ETCD, PLUGIN, "1.0.0");
      flags.enable(Store.ETCD, PLUGIN, true);
      checker.awaitConverged("version 1 everywhere");

      checker.observe(Duration.ofMillis(10)); // the steady request stream: both hosts, every 10 ms each
      DistCopy.sleep(1000);
      long before = checker.requests();

      flags.canaryPercent(Store.ETCD, PLUGIN, "2.0.0", 50);
      checker.awaitConverged("canary 2.0.0 at 50 %");
      Set<String> onV2 = new TreeSet<>();
      for (Pod p : SYSTEM.pods()) {
        String marker = p.host().marker().orElseThrow();
        if (marker.equals(V2)) onV2.add(p.node());
        else assertThat(marker).as(p + " outside the canary").isEqualTo(V1);
        // the host serves the new version once the runtime swapped it; the sidecar's status follows when the
        // activation's reply reaches it (a few ms later, which a probe right after convergence can fall into)
        String version = marker.substring(PLUGIN.length() + 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(p.sidecar().plugin(PLUGIN).path("version").asText()).as(p + ": version in the sidecar's status").isEqualTo(version));
      }
      assertThat(onV2).as("pods on version 2 = pods the canary hash selects").isEqualTo(expectedCanary);
      System.out.println("E2E UpgradeAndCanaryIT: canary 50 % -> version 2 on " + onV2 + " (expected by Membership: " + expectedCanary + ")");

      // promote: the artifact becomes version 2, the canary goes away -> every pod on version 2
      flags.artifact(Store.ETCD, PLUGIN, "2.0.0");
      flags.delete(Store.ETCD, flags.key(PLUGIN, "canary"));
      checker.awaitConverged("promote 2.0.0 (upgrade under load)");
      DistCopy.sleep(1000);

      checker.verify();
      long served = checker.requests() - before;
      System.out.printf("E2E UpgradeAndCanaryIT: %d requests during canary and upgrade, %d failed%n", served, checker.failedRequests());
      assertThat(served).as("the request stream ran").isGreaterThan(100);
      assertThat(checker.failedRequests()).as("failed requests: " + checker.failures()).isZero();
    }
  }
}
