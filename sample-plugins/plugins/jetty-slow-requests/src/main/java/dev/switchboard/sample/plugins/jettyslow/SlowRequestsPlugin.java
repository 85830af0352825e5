package dev.switchboard.sample.plugins.jettyslow;

import dev.switchboard.api.AdviceCall;
import dev.switchboard.api.MethodAdvice;
import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Slow requests of a standalone Jetty 12 ({@code java -jar start.jar}) that knows nothing of Switchboard: advice on
 * {@code org.eclipse.jetty.server.handler.ContextHandlerCollection.handle(Request, Response, Callback)}, where every
 * request is handed to the deployed contexts, times each call on the request's thread; a call that takes at least
 * {@code thresholdMillis} (config, default 100) is recorded with its method and path (the last 100 are kept). They
 * are served as JSON on 127.0.0.1:{@code port} (config, 0 = any free port; the log line says which): {@code
 * {"plugin":"<id>/<version>","thresholdMillis":..,"slow":[{"method":"GET","path":"/x","micros":123},..]}}.
 */
public final class SlowRequestsPlugin implements Plugin {
  static final String TARGET = "org.eclipse.jetty.server.handler.ContextHandlerCollection";
  static final String HANDLE = "(Lorg/eclipse/jetty/server/Request;Lorg/eclipse/jetty/server/Response;"
      + "Lorg/eclipse/jetty/util/Callback;)Z";
  static final int KEPT = 100;

  /** One recorded request. */
  record Slow(String method, String path, long micros) {
    String json() {
      return "{\"method\":\"" + escape(method) + "\",\"path\":\"" + escape(path) + "\",\"micros\":" + micros + "}";
    }
  }

  private final ThreadLocal<long[]> started = new ThreadLocal<>(); // long[]: a JDK type, so no thread pins this loader
  private final Deque<Slow> slow = new ArrayDeque<>(); // guarded by itself
  private volatile ServerSocket server;
  private volatile Method getMethod; // Jetty's Request.getMethod() and getHttpURI(), found on first use
  private volatile Method getHttpUri;

  @Override
  public void start(PluginContext ctx) throws Exception {
    double thresholdMillis = ctx.config().number("thresholdMillis", 100);
    long thresholdNanos = (long) (thresholdMillis * 1_000_000);
    int port = (int) ctx.config().longValue("port", 0);
    String plugin = ctx.pluginId() + "/" + ctx.version();
    ctx.advise(MethodAdvice.on(TARGET).method("handle").descriptor(HANDLE)
        .before(call -> started.set(new long[] {System.nanoTime()}))
        .afterReturn(call -> done(call, thresholdNanos))
        .onThrow(call -> done(call, thresholdNanos))
        .build());
    ServerSocket s = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    server = s;
    ctx.newExecutor(1).execute(() -> serve(s, plugin, thresholdMillis));
    ctx.logger().log(System.Logger.Level.INFO, "jetty-slow-requests: serving on 127.0.0.1:" + s.getLocalPort()
        + ", recording requests of at least " + thresholdMillis + " ms");
  }

  private void done(AdviceCall call, long thresholdNanos) throws ReflectiveOperationException {
    long[] t = started.get();
    started.remove();
    if (t == null) return; // the advice went live while this call was already running
    long took = System.nanoTime() - t[0];
    if (took < thresholdNanos) return;
    Object request = call.argument(0);
    Method m = getMethod;
    Method u = getHttpUri;
    if (m == null || u == null || m.getDeclaringClass().getClassLoader() != request.getClass().getClassLoader()) {
      Class<?> type = Class.forName("org.eclipse.jetty.server.Request", false, request.getClass().getClassLoader());
      m = type.getMethod("getMethod");
      u = type.getMethod("getHttpURI");
      getMethod = m;
      getHttpUri = u;
    }
    Object uri = u.invoke(request);
    String path = String.valueOf(uri.getClass().getMethod("getPath").invoke(uri));
    Slow rec = new Slow(String.valueOf(m.invoke(request)), path, took / 1000);
    synchronized (slow) {
      slow.addLast(rec);
      if (slow.size() > KEPT) slow.removeFirst();
    }
  }

  private String json(String plugin, double thresholdMillis) {
    List<String> items = new ArrayList<>();
    synchronized (slow) {
      for (Slow s : slow) items.add(s.json());
    }
    return "{\"plugin\":\"" + escape(plugin) + "\",\"thresholdMillis\":" + thresholdMillis + ",\"slow\":[" + String.join(",", items)
        + "]}";
  }

  /** One short HTTP/1.1 answer per connection, whatever was asked. */
  private void serve(ServerSocket s, String plugin, double thresholdMillis) {
    while (!s.isClosed()) {
      try (Socket c = s.accept()) {
        c.setSoTimeout(2000);
        readRequestHead(c.getInputStream());
        byte[] body = json(plugin, thresholdMillis).getBytes(StandardCharsets.UTF_8);
        OutputStream out = c.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
      } catch (IOException e) {
        if (s.isClosed()) return; // stop() closed it
      }
    }
  }

  private static void readRequestHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int read = 0; read < 16384 && matched < end.length; read++) {
      int b = in.read();
      if (b < 0) return;
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char ch : s.toCharArray()) {
      if (ch == '"' || ch == '\\') {
        b.append('\\').append(ch);
      } else if (ch < 0x20) {
        b.append(String.format("\\u%04x", (int) ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }

  @Override
  public void stop() throws Exception {
    ServerSocket s = server;
    server = null;
    if (s != null) s.close(); // ends the blocking accept()
    getMethod = null;
    getHttpUri = null;
  }
}
