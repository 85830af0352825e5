package dev.switchboard.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 7: the pod's host is the Spring Boot sample host ({@code java -jar spring-boot-host.jar}, built from
 * deploy/docker/Dockerfile.spring-boot-host; its plugin API lives in the launcher loader, nothing of Switchboard on
 * its system class path) with the sidecar beside it. A flag written in etcd makes the plugin live in the Boot app,
 * an upgrade 1.0.0 → 2.0.0 under a request stream fails no request, and a deactivation through the store ends with
 * the plugin's loader collected, as the status key in the store says. The host runs with a short unload quiet period
 * and explicit-collection interval ({@code switchboard.unload.gcDelay=1s}, {@code gcInterval=1s}; by default the
 * collection that settles the upgrade's unload would hold the deactivation's back for 60 s), so the outcome settles
 * quickly.
 */
class SpringBootSidecarIT {
  static final String SCENARIO = "SpringBootSidecarIT";
  static final String PLUGIN = "response-header";

  @RegisterExtension
  static final SystemTopology SYSTEM = SystemTopology.builder().service("boot").nodes("pod-a").bridges(0).etcdMembers(1)
      .zooKeeperServers(1).host(HostApp.SPRING_BOOT).hostJavaOptions("-Dswitchboard.unload.gcDelay=1s -Dswitchboard.unload.gcInterval=1s").build();

  @Test
  void aFlagInEtcdMakesThePluginLiveInASpringBootHostUpgradesItUnderLoadAndItsLoaderIsCollectedAfterTheFlagIsOff() {
    Pod pod = SYSTEM.pod(0);
    Flags flags = SYSTEM.flags();
    try (Checker checker = SYSTEM.checker(SCENARIO, PLUGIN)) {
      checker.observe(Duration.ofMillis(10)); // the request stream: one request every 10 ms
      flags.artifact(Store.ETCD, PLUGIN, "1.0.0");
      flags.enable(Store.ETCD, PLUGIN, true);
      checker.awaitConverged("on (first activation in the Spring Boot host)");
      assertThat(pod.host().marker()).hasValue(PLUGIN + "/1.0.0");
      assertThat(pod.host().logs()).as("the runtime bound to the Boot app's own plugin API")
          .contains("plugin API of the host's loader org.springframework.boot.loader.launch.LaunchedClassLoader")
          .doesNotContain("appended");

      long before = checker.requests();
      flags.artifact(Store.ETCD, PLUGIN, "2.0.0");
      checker.awaitConverged("upgrade to 2.0.0 under load");
      await().atMost(Duration.ofSeconds(30)).until(() -> checker.requests() - before > 100);
      assertThat(pod.sidecar().plugin(PLUGIN).path("version").asText()).isEqualTo("2.0.0");

      flags.enable(Store.ETCD, PLUGIN, false);
      checker.awaitConverged("off");
      String statusKey = flags.statusKey(pod.node(), PLUGIN);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode status = Pod.JSON.readTree(flags.get(Store.ETCD, statusKey).orElseThrow(() -> new AssertionError("no " + statusKey)));
        assertThat(status.path("state").asText()).as(statusKey + ": " + status).isEqualTo("INACTIVE");
        assertThat(status.path("unload").asText()).as(statusKey + ": " + status).isEqualTo("collected");
      });
      assertThat(pod.sidecar().plugin(PLUGIN).path("unload").asText()).as("/v1/status").isEqualTo("collected");

      checker.verify();
      long served = checker.requests() - before;
      System.out.printf("E2E %s: %d requests from the upgrade on, %d failed%n", SCENARIO, served, checker.failedRequests());
      assertThat(checker.failedRequests()).as("failed requests: " + checker.failures()).isZero();
    }
    assertThat(pod.host().logs()).as("the plugin started in the Boot app").contains(PLUGIN + ": adding");
  }
}
