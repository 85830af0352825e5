package dev.switchboard.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet console in a real headless browser (Debian's chromium over the DevTools protocol) against the real
 * stack of {@code switchboard demo} (etcd, ZooKeeper, bridge, sample host, agent, and the console it starts): a flag
 * written with {@code ctl enable} reaches the agent, which activates the plugin in the host and writes its status
 * key; the open page changes in place (no reload) to show the plugin ACTIVE, the rollout complete and the flip.
 * The screenshot is kept in {@code target/} (with {@code -Dswitchboard.docs.images=DIR} also copied there, which
 * is how docs/images/console.png is made).
 */
class ConsoleBrowserIT {
  private static final String CELL = "document.querySelector('td.cell[data-id=\"demo/node-1/response-header\"]')";

  @TempDir Path tmp;

  @Test
  void aFlagFlippedInTheStoreReachesTheOpenPageThroughAgentAndStatusKey() throws Exception {
    try (DemoRun demo = DemoRun.start(tmp)) {
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
          .until(() -> demo.output().contains("press Ctrl-C") || !demo.process.isAlive());
      String out = demo.output();
      assertThat(demo.process.isAlive()).as("demo running; output:\n" + out).isTrue();
      String url = "http://127.0.0.1:" + demo.ports.get("--console-port") + "/";
      assertThat(out).as("the demo prints the console's URL").containsPattern("console +ready in .*" + java.util.regex.Pattern.quote(url))
          .contains("== The fleet console (live, read-only): " + url);
      String etcd = "http://127.0.0.1:" + demo.ports.get("--etcd-port");

      try (Chromium browser = Chromium.start(tmp.resolve("chromium"), 1280, 900); Chromium.Page page = browser.page()) {
        page.navigate(url);
        // after the demo's two flips the plugin is off on node-1
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> "INACTIVE".equals(page.text(CELL + ".dataset.state")));
        assertThat(page.text("document.getElementById('conn').dataset.state")).isEqualTo("live");
        assertThat(page.text("Array.from(document.querySelectorAll('#flips li[data-kind=flag]')).map(li => li.textContent).join('\\n')"))
            .as("the demo's flag flips are listed")
            .contains("demo response-header artifact: (none)→1.0.0", "demo response-header enabled: (none)→true",
                "demo response-header enabled: true→false");
        page.eval("window.__samePage = 'not reloaded'");
        String eventBefore = page.text("document.body.dataset.eventId");

        // store write -> agent -> host -> status key -> console -> page
        Process ctl = new ProcessBuilder(Paths.java().toString(), "-jar", Paths.dist().resolve("switchboard.jar").toString(),
            "ctl", "enable", "demo", "response-header", "--etcd", etcd).redirectErrorStream(true).start();
        String ctlOut = new String(ctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ctl.waitFor()).as(ctlOut).isZero();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> "ACTIVE".equals(page.text(CELL + ".dataset.state")));
        assertThat(page.text(CELL + ".querySelector('.version').textContent")).isEqualTo("1.0.0");
        assertThat(page.text("window.__samePage")).as("the page changed in place").isEqualTo("not reloaded");
        assertThat(page.text("document.body.dataset.eventId")).isNotEqualTo(eventBefore);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
          assertThat(page.text("document.querySelector('tr[data-rollout=\"demo/response-header\"]').dataset.progress")).isEqualTo("100");
          // newest first: the flag flip, and above it node-1's state reaching ACTIVE (the steps in between, e.g.
          // INACTIVE -> LOADING -> ACTIVE, show as one or more flips depending on how fast they pass)
          String flips = page.text("Array.from(document.querySelectorAll('#flips li')).map(li => li.textContent).join('\\n')");
          assertThat(flips).contains("demo response-header enabled: false→true");
          assertThat(flips.substring(0, flips.indexOf("demo response-header enabled: false→true")))
              .containsPattern("demo/node-1 response-header state: [A-Z]+→ACTIVE");
        });

        byte[] png = page.screenshot();
        assertThat(png).as("a PNG").startsWith(0x89, 'P', 'N', 'G');
        Path shot = Path.of("target", "console.png");
        Files.write(shot, png);
        String docs = System.getProperty("switchboard.docs.images");
        if (docs != null && !docs.isBlank()) Files.copy(shot, Path.of(docs).resolve("console.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println("console screenshot: " + shot.toAbsolutePath() + " (" + png.length + " bytes)");
      }
    }
  }

}
