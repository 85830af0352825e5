package dev.switchboard.it.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testkit.Proc;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (the {@code prometheus} binary of the Debian package, on the PATH) scraping given targets
 * every second and evaluating given rule files every second; queried through its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {
  private final Proc proc;
  private final int port;

  private PrometheusServer(Proc proc, int port) {
    this.proc = proc;
    this.port = port;
  }

  /** The path of {@code name} on the PATH; fails naming the package when it is missing. */
  static Path tool(String name) {
    return Optional.ofNullable(System.getenv("PATH")).stream().flatMap(p -> java.util.Arrays.stream(p.split(":")))
        .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not on the PATH: install the Debian package prometheus (scripts/test.sh does)"));
  }

  /** Starts Prometheus with one scrape job per entry of {@code jobs} (job name to 127.0.0.1 port). */
  static PrometheusServer start(Path dir, Path logs, Map<String, Integer> jobs, Path ruleFile) throws Exception {
    List<String> yaml = new ArrayList<>(List.of("global:", "  scrape_interval: 1s", "  scrape_timeout: 1s", "  evaluation_interval: 1s",
        "rule_files:", "  - " + ruleFile.toAbsolutePath(), "scrape_configs:"));
    jobs.forEach((job, port) -> yaml.addAll(List.of("  - job_name: " + job, "    static_configs:",
        "      - targets: [\"127.0.0.1:" + port + "\"]")));
    Path config = dir.resolve("prometheus.yml");
    Files.write(config, yaml);
    int port = Http.freePort();
    Proc p = Proc.start("prometheus", logs, List.of(tool("prometheus").toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("prometheus-data")),
        "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
    return new PrometheusServer(p, port);
  }

  int port() {
    return port;
  }

  boolean ready() {
    try {
      return Http.get(port(), "/-/ready").statusCode() == 200;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** {@code GET /api/v1/<path>}: the JSON answer (status "success" or "error"). */
  JsonNode api(String path) throws IOException {
    return AgentNode.JSON.readTree(Http.get(port(), "/api/v1/" + path).body());
  }

  /** An instant query; the whole answer (an "error" status names a bad expression). */
  JsonNode query(String promql) throws IOException {
    return api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  /** The values of an instant query's result (NaN samples included). */
  List<Double> values(String promql) throws IOException {
    JsonNode r = query(promql);
    if (!r.path("status").asText().equals("success")) throw new AssertionError(promql + ": " + r);
    List<Double> out = new ArrayList<>();
    for (JsonNode sample : r.path("data").path("result")) out.add(Double.parseDouble(sample.path("value").get(1).asText()));
    return out;
  }

  /** {@code promtool check metrics} over {@code text}: its output when it fails, empty when it passes. */
  static Optional<String> checkMetrics(String text) throws Exception {
    Process p = new ProcessBuilder(tool("promtool").toString(), "check", "metrics").redirectErrorStream(true).start();
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("promtool check metrics did not end");
    return p.exitValue() == 0 ? Optional.empty() : Optional.of("exit " + p.exitValue() + ": " + out);
  }

  String output() {
    return proc.output();
  }

  @Override
  public void close() {
    proc.close();
  }
}
