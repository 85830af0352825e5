package dev.switchboard.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Debian {@code chromium} driven over the Chrome DevTools Protocol with the JDK's HTTP client and
 * WebSocket (no driver download): start it on a free debugging port, take its first page, navigate, evaluate
 * script in the page, capture a screenshot. The executable is {@code chromium} on PATH or
 * {@code SWITCHBOARD_CHROMIUM}; as root it runs with {@code --no-sandbox} (Chromium's sandbox refuses root).
 */
final class Chromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://127\\.0\\.0\\.1:(\\d+)/\\S+)");

  private final Process process;
  private final int port;
  private final List<String> stderr = new ArrayList<>();

  private Chromium(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static String executable() {
    String configured = System.getenv("SWITCHBOARD_CHROMIUM");
    if (configured != null && !configured.isBlank()) return configured;
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      for (String name : List.of("chromium", "chromium-browser")) {
        if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
      }
    }
    throw new IllegalStateException("no chromium on PATH: install Debian's chromium package (scripts/test.sh does) "
        + "or set SWITCHBOARD_CHROMIUM to a Chromium/Chrome executable");
  }

  static Chromium start(Path profile, int width, int height) throws IOException, InterruptedException {
    Files.createDirectories(profile);
    List<String> cmd = new ArrayList<>(List.of(executable(), "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio",
        "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--window-size=" + width + "," + height));
    if (root()) cmd.add("--no-sandbox");
    cmd.add("about:blank");
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (lines.size() < 200) lines.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) port.complete(Integer.parseInt(m.group(2)));
        }
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new IllegalStateException("chromium ended its error output without a DevTools address"));
    }, "chromium-stderr");
    t.setDaemon(true);
    t.start();
    try {
      Chromium c = new Chromium(p, port.get(30, TimeUnit.SECONDS));
      c.stderr.addAll(lines);
      return c;
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not start (" + e + "); its output:\n" + String.join("\n", lines), e);
    }
  }

  private static boolean root() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** The first tab, through the DevTools WebSocket of that target. */
  Page page() throws Exception {
    HttpResponse<String> list = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
    for (JsonNode target : JSON.readTree(list.body())) {
      if (target.path("type").asText().equals("page")) return Page.connect(target.path("webSocketDebuggerUrl").asText());
    }
    throw new IllegalStateException("chromium has no page target: " + list.body());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    process.descendants().forEach(ProcessHandle::destroyForcibly);
  }

  /** One tab: CDP commands with ids, answers matched by id. */
  static final class Page implements AutoCloseable {
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private WebSocket socket;

    static Page connect(String url) {
      Page p = new Page();
      p.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), p.listener()).join();
      return p;
    }

    private WebSocket.Listener listener() {
      StringBuilder partial = new StringBuilder();
      return new WebSocket.Listener() {
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
          partial.append(data);
          if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
              JsonNode msg = JSON.readTree(text);
              CompletableFuture<JsonNode> f = msg.has("id") ? pending.remove(msg.get("id").asInt()) : null;
              if (f != null) f.complete(msg);
            } catch (IOException e) {
              pending.values().forEach(f -> f.completeExceptionally(e));
            }
          }
          ws.request(1);
          return null;
        }
      };
    }

    /** Sends a command and returns its {@code result}; fails with the protocol's error message. */
    JsonNode call(String method, ObjectNode params) throws Exception {
      int id = ids.incrementAndGet();
      CompletableFuture<JsonNode> answer = new CompletableFuture<>();
      pending.put(id, answer);
      ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
      msg.set("params", params == null ? JSON.createObjectNode() : params);
      socket.sendText(msg.toString(), true).get(10, TimeUnit.SECONDS);
      JsonNode r = answer.get(30, TimeUnit.SECONDS);
      if (r.has("error")) throw new IllegalStateException(method + " failed: " + r.get("error"));
      return r.path("result");
    }

    void navigate(String url) throws Exception {
      call("Page.navigate", JSON.createObjectNode().put("url", url));
    }

    /** The value of a script expression in the page (JSON-serializable results only); null on a script error. */
    JsonNode eval(String expression) throws Exception {
      JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
      if (r.has("exceptionDetails")) return null;
      return r.path("result").path("value");
    }

    String text(String expression) throws Exception {
      JsonNode v = eval(expression);
      return v == null || v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    /** A PNG of the viewport. */
    byte[] screenshot() throws Exception {
      JsonNode r = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
      return java.util.Base64.getDecoder().decode(r.path("data").asText());
    }

    @Override
    public void close() {
      socket.abort();
    }
  }
}
