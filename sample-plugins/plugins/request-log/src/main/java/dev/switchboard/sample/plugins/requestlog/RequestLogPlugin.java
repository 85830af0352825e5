package dev.switchboard.sample.plugins.requestlog;

import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginContext;
import dev.switchboard.sample.spi.Exchange;
import dev.switchboard.sample.spi.RequestFilter;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes one JSON line per request to the plugin logger ({@code log}, default true), counts
 * requests per status class, answers {@code GET <statsPath>} (default {@code
 * /_switchboard/request-log}) with the counters as JSON, and logs a summary every {@code
 * summaryEverySeconds} (default 60, 0 = off) from a scheduler the context owns.
 */
public final class RequestLogPlugin implements Plugin, RequestFilter {
  private final LongAdder total = new LongAdder();
  private final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
  private String statsPath;
  private boolean log;
  private System.Logger logger;

  @Override
  public void start(PluginContext ctx) {
    statsPath = ctx.config().string("statsPath", "/_switchboard/request-log");
    log = ctx.config().bool("log", true);
    logger = ctx.logger();
    long every = ctx.config().longValue("summaryEverySeconds", 60);
    if (every > 0) {
      ctx.newScheduler(1).scheduleAtFixedRate(
          () -> logger.log(System.Logger.Level.INFO, "request-log summary " + statsJson()), every, every, TimeUnit.SECONDS);
    }
    ctx.register(RequestFilter.class, this);
  }

  @Override
  public boolean filter(Exchange ex) {
    if ("GET".equals(ex.method()) && statsPath.equals(ex.path())) {
      ex.setResponseHeader("Content-Type", "application/json");
      ex.respond(200, statsJson() + "\n");
      return false;
    }
    return true;
  }

  @Override
  public void completed(Exchange ex) {
    total.increment();
    int cls = ex.status() / 100;
    if (cls >= 1 && cls <= 5) {
      byClass[cls - 1].increment();
    }
    if (log) {
      logger.log(System.Logger.Level.INFO, accessLine(ex));
    }
  }

  static String accessLine(Exchange ex) {
    return "{\"ts\":\"" + Instant.now() + "\",\"method\":" + quote(ex.method()) + ",\"path\":" + quote(ex.path())
        + ",\"status\":" + ex.status() + ",\"client\":" + quote(ex.clientAddress()) + ",\"micros\":"
        + TimeUnit.NANOSECONDS.toMicros(ex.elapsedNanos()) + "}";
  }

  String statsJson() {
    return "{\"total\":" + total.sum() + ",\"1xx\":" + byClass[0].sum() + ",\"2xx\":" + byClass[1].sum() + ",\"3xx\":"
        + byClass[2].sum() + ",\"4xx\":" + byClass[3].sum() + ",\"5xx\":" + byClass[4].sum() + "}";
  }

  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }
}
