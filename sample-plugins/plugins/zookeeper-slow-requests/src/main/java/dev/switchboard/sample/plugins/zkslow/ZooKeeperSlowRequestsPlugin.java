package dev.switchboard.sample.plugins.zkslow;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.api.AdviceCall;
import dev.switchboard.api.MethodAdvice;
import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginConfig;
import dev.switchboard.api.PluginContext;
import dev.switchboard.api.Reconfigurable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * Slow requests of an unmodified ZooKeeper 3.9 server ({@code ZooKeeperServerMain} or {@code QuorumPeerMain}) that
 * knows nothing of Switchboard. Advice on {@code org.apache.zookeeper.server.FinalRequestProcessor.processRequest
 * (Request)}, the last step of every client request on a standalone server, a leader and a follower alike: when the
 * call ends, the time since the request arrived at the server (its {@code createTime}: queueing, the transaction log
 * and the answer) is compared with {@code thresholdMillis} (config, default 100; the value in force when the call
 * began counts). A request at or over it is kept with its operation, znode path and session; the most recent {@code
 * keep} (config, default 100) are served as JSON by the JDK's HTTP server on 127.0.0.1:{@code port} (config, 0 = any
 * free port; the log line says which):
 * {@code {"plugin":"<id>/<version>","thresholdMillis":..,"keep":..,"timed":..,"recorded":..,"slow":[{"op":"create",
 * "path":"/a","session":"0x1000..","millis":12,"at":"<ISO instant>"},..]}}. A new config applies live; a new port
 * is bound before the old one is closed, and a port that cannot be bound rejects the config.
 */
public final class ZooKeeperSlowRequestsPlugin implements Plugin, Reconfigurable {
  static final String TARGET = "org.apache.zookeeper.server.FinalRequestProcessor";
  static final String PROCESS_REQUEST = "(Lorg/apache/zookeeper/server/Request;)V";

  /** One config, checked by the schema in plugin.json. */
  record Settings(double thresholdMillis, int keep, int port) {
    static Settings of(PluginConfig c) {
      return new Settings(c.number("thresholdMillis", 100), (int) c.longValue("keep", 100), (int) c.longValue("port", 0));
    }
  }

  // the threshold a call started under; double[] is a JDK type, so no host thread pins this plugin's loader
  private final ThreadLocal<double[]> started = new ThreadLocal<>();
  private volatile Settings settings;
  private volatile SlowLog log;
  private volatile RequestFields fields; // found on the first request
  private volatile HttpServer server;
  private PluginContext ctx;
  private Executor executor;
  private String plugin;

  @Override
  public void start(PluginContext ctx) throws Exception {
    this.ctx = ctx;
    this.plugin = ctx.pluginId() + "/" + ctx.version();
    Settings s = Settings.of(ctx.config());
    settings = s;
    log = new SlowLog(s.keep());
    executor = ctx.newExecutor(1);
    ctx.advise(MethodAdvice.on(TARGET).method("processRequest").descriptor(PROCESS_REQUEST)
        .before(call -> started.set(new double[] {settings.thresholdMillis()}))
        .afterReturn(this::done)
        .onThrow(this::done)
        .build());
    server = serve(s.port());
    announce(s);
  }

  @Override
  public void reconfigure(PluginConfig config) throws Exception {
    Settings next = Settings.of(config);
    Settings before = settings;
    HttpServer old = server;
    if (next.port() != before.port()) {
      server = serve(next.port()); // throws (config rejected, the old port still served) when the port is taken
      old.stop(0);
    }
    log.resize(next.keep());
    settings = next;
    announce(next);
  }

  private void announce(Settings s) {
    ctx.logger().log(System.Logger.Level.INFO, "zookeeper-slow-requests: serving on 127.0.0.1:" + server.getAddress().getPort()
        + ", recording requests of at least " + s.thresholdMillis() + " ms (keeping " + s.keep() + ")");
  }

  private void done(AdviceCall call) throws ReflectiveOperationException {
    double[] threshold = started.get();
    started.remove();
    if (threshold == null) return; // the advice went live while this call was already running
    Object request = call.argument(0);
    if (request == null) return;
    RequestFields f = fields;
    if (f == null || !f.fits(request)) {
      f = RequestFields.of(request);
      fields = f;
    }
    SlowLog l = log;
    l.timed();
    long millis = f.elapsedMillis(request);
    if (millis < threshold[0]) return;
    String op = f.op(request);
    l.record(new SlowLog.Slow(op, f.path(request, op), f.session(request), millis, Instant.now().toString()));
  }

  private HttpServer serve(int port) throws IOException {
    HttpServer s;
    try {
      s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    } catch (IOException e) {
      throw new IOException("port " + port + " cannot be bound on 127.0.0.1: " + e.getMessage(), e);
    }
    s.createContext("/", this::answer);
    s.setExecutor(executor);
    s.start();
    return s;
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = log.json(plugin, settings.thresholdMillis()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void stop() throws Exception {
    HttpServer s = server;
    server = null;
    if (s != null) s.stop(0);
    fields = null;
  }
}
