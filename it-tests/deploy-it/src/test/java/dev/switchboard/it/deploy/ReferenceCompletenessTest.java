package dev.switchboard.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bridge.BridgeMetricNames;
import dev.switchboard.cli.CliParse;
import dev.switchboard.sidecar.config.ConfigLoader;
import dev.switchboard.sidecar.reconcile.PluginReport;
import dev.switchboard.sidecar.status.SidecarMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/reference.md documents every surface the code has: each CLI verb and flag (in the section of its verb),
 * each metric the agent and the bridge export, each configuration key with its environment variable and flag;
 * and it names no metric the code does not export.
 */
class ReferenceCompletenessTest {
  static final Pattern METRIC = Pattern.compile("`(switchboard_[a-z_]+)`");

  static String reference() {
    return DeployFiles.text(Paths.root().resolve("docs/reference.md"));
  }

  /** The text of the section headed "### `switchboard <verb>`", up to the next heading of that level or above. */
  static String section(String text, String verb) {
    String head = "### `switchboard " + verb + "`";
    int start = text.indexOf(head);
    assertThat(start).as("docs/reference.md has a section " + head).isNotNegative();
    Matcher next = Pattern.compile("\n##+ ").matcher(text);
    int end = next.find(start + head.length()) ? next.start() : text.length();
    return text.substring(start, end);
  }

  @Test
  void everyCliVerbAndFlagIsDocumentedInItsVerbsSection() {
    String ref = reference();
    Map<String, List<String>> commands = CliParse.commands();
    assertThat(commands).as("commands of the CLI").containsKeys("agent", "ctl set-config", "host activate");
    List<String> missing = new ArrayList<>();
    for (var e : commands.entrySet()) {
      String[] words = e.getKey().split(" ");
      String top = words[0];
      if (!ref.contains("| `switchboard " + top + "`") && !ref.contains("| `switchboard " + top + " ")) missing.add("verb " + top + " in the table of verbs");
      String section = section(ref, top);
      if (words.length > 1 && !section.contains("| `" + words[1] + "` |")) missing.add("verb " + e.getKey());
      for (String option : e.getValue()) {
        if (option.equals("--help") || option.equals("--version")) continue;
        if (!Pattern.compile("(?<![\\w-])" + Pattern.quote(option) + "(?![\\w-])").matcher(section).find()) {
          missing.add("flag " + option + " of " + e.getKey());
        }
      }
    }
    assertThat(missing).as("CLI surfaces missing from docs/reference.md").isEmpty();
  }

  @Test
  void everyMetricIsDocumentedAndEveryDocumentedMetricIsExported() {
    TreeSet<String> exported = new TreeSet<>();
    for (String scrape : List.of(agentScrape(), BridgeMetricNames.scrapeEveryMetric())) {
      for (String line : scrape.split("\n")) {
        if (line.startsWith("# TYPE ")) {
          // a timer's <name>_max is documented by its own name, and its family by <name>
          exported.add(line.split(" ")[2]);
          exported.add(line.split(" ")[2].replaceFirst("_max$", ""));
        }
      }
    }
    assertThat(exported).as("metrics exported").contains("switchboard_plugin_active", "switchboard_bridge_writes_total");
    TreeSet<String> documented = new TreeSet<>();
    Matcher m = METRIC.matcher(reference());
    while (m.find()) documented.add(m.group(1));
    assertThat(exported).as("every exported metric is in docs/reference.md").isSubsetOf(documented);
    assertThat(documented).as("every metric docs/reference.md names is exported").isSubsetOf(exported);
  }

  @Test
  void everyConfigurationKeyIsDocumentedWithItsEnvironmentVariableAndFlag() {
    String ref = reference();
    List<String> missing = new ArrayList<>();
    for (String line : ConfigLoader.keysHelp().split("\n")) {
      if (line.isBlank()) continue;
      String[] f = line.strip().split("\\s+");
      String row = "| `" + f[0] + "` | `" + f[1] + "` | `" + f[2] + "` |";
      if (!ref.contains(row)) missing.add("agent " + row);
    }
    dev.switchboard.bridge.config.ConfigLoader.describe().forEach((key, envAndFlag) -> {
      String[] f = envAndFlag.split(" / ");
      if (!ref.contains("| `" + key + "` | `" + f[0] + "` |")) missing.add("bridge key " + key + " with " + f[0]);
      if (!section(ref, "bridge").contains("`" + f[1] + "=")) missing.add("bridge flag " + f[1]);
    });
    assertThat(missing).as("configuration keys missing from docs/reference.md").isEmpty();
  }

  static String agentScrape() {
    SidecarMetrics agent = new SidecarMetrics("demo", "node-1");
    agent.report(new PluginReport("p", "ACTIVE", true, "1.0.0", "0".repeat(64), "2026-01-01T00:00:00Z", null, 1, true, null,
        new dev.switchboard.sidecar.reconcile.LiveSplit("1".repeat(64), java.util.Map.of("1.0.0", 90, "2.0.0", 10), null, null,
            java.util.Map.of())));
    agent.trafficCalls(java.util.Map.of("p", java.util.Map.of("versions", java.util.Map.of("1.0.0", java.util.Map.of("calls", 9L),
        "2.0.0", java.util.Map.of("calls", 1L)))));
    agent.flip(Duration.ofMillis(40));
    agent.failure("p", "fetch");
    agent.storeState("etcd", true);
    return agent.scrape();
  }
}
