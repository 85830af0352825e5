package com.example.hoststats;

import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * A service plugin: it registers nothing with the host. While active it
 *
 * <ul>
 *   <li>samples the host's own MBeans (heap, threads, uptime) every {@code intervalMillis} on a scheduler of the
 *       context,
 *   <li>publishes the last sample as its own MBean {@code com.example.hoststats:type=HostStats,plugin=<id>},
 *   <li>serves it as JSON over HTTP on 127.0.0.1:{@code port} (0: any free port; the log line says which).
 * </ul>
 *
 * <p>It holds a port and an MBean name, so plugin.json declares {@code "restart": "stop-first"}: a config change or
 * an upgrade stops this instance before the next one starts. {@link #stop} closes the socket (a thread blocked in
 * {@code accept} ignores interrupts) and unregisters the MBean (a registered MBean would keep the plugin's class
 * loader alive); the runtime shuts the context's executors down after {@code stop} returns.
 */
public final class HostStatsPlugin implements Plugin, HostStatsMBean {
  private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
  private volatile Sample last = Sample.NONE;
  private volatile ServerSocket server;
  private volatile System.Logger log;
  private ObjectName name;

  @Override
  public void start(PluginContext ctx) throws Exception {
    log = ctx.logger();
    int port = (int) ctx.config().longValue("port", 0);
    long interval = ctx.config().longValue("intervalMillis", 1000);
    String plugin = ctx.pluginId() + "/" + ctx.version();
    ObjectName n = new ObjectName("com.example.hoststats:type=HostStats,plugin=" + ctx.pluginId());
    // StandardMBean: the interface is named explicitly (the class is not called HostStats)
    mbeans.registerMBean(new StandardMBean(this, HostStatsMBean.class), n); // refused while another instance holds the name
    name = n;
    try {
      server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      unregister();
      throw e;
    }
    last = Sample.read(mbeans, 1);
    ServerSocket s = server;
    ctx.newExecutor(1).execute(() -> serve(s, plugin));
    ctx.newScheduler(1).scheduleAtFixedRate(this::sample, interval, interval, TimeUnit.MILLISECONDS);
    log.log(System.Logger.Level.INFO, "host-stats: serving on 127.0.0.1:" + s.getLocalPort() + ", MBean " + n
        + ", sampling every " + interval + " ms");
  }

  private void sample() {
    try {
      last = Sample.read(mbeans, last.count() + 1);
    } catch (JMException | RuntimeException e) {
      // a scheduled task that throws is never run again: keep the schedule, the next tick tries again
      log.log(System.Logger.Level.WARNING, "host-stats: sample failed: " + e);
    }
  }

  /** One short HTTP/1.1 answer per connection, whatever was asked. */
  private void serve(ServerSocket s, String plugin) {
    while (!s.isClosed()) {
      try (Socket c = s.accept()) {
        c.setSoTimeout(2000);
        readRequestHead(c.getInputStream());
        byte[] body = last.json(plugin).getBytes(StandardCharsets.UTF_8);
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

  @Override
  public void stop() throws Exception {
    ServerSocket s = server;
    if (s != null) s.close(); // ends the blocking accept()
    unregister();
  }

  private void unregister() throws JMException {
    ObjectName n = name;
    name = null;
    if (n != null && mbeans.isRegistered(n)) mbeans.unregisterMBean(n);
  }

  @Override
  public long getSamples() {
    return last.count();
  }

  @Override
  public long getHeapUsedBytes() {
    return last.heapUsedBytes();
  }

  @Override
  public int getThreadCount() {
    return last.threadCount();
  }

  @Override
  public int getPort() {
    ServerSocket s = server;
    return s == null ? -1 : s.getLocalPort();
  }
}
