package dev.switchboard.sample.plugins.fraud;

import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginContext;
import dev.switchboard.sample.spi.Message;
import dev.switchboard.sample.spi.MessageHandler;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * A message handler that screens payments: the {@code amount} header of every message of its {@code topics}
 * (default {@code payments}) is compared with {@code limit} (default 10000); the verdict — {@code OK}, {@code
 * FLAGGED} (above the limit) or {@code INVALID} (no amount, or not a number) — is appended as {@code <id>
 * <verdict> amount=<amount> <plugin>/<version>} to {@code file}, or logged when no file is set.
 */
public final class FraudCheckPlugin implements Plugin, MessageHandler {
  private Set<String> topics;
  private BigDecimal limit;
  private String marker;
  private FileChannel file; // null: plugin logger
  private System.Logger logger;
  private final LongAdder flagged = new LongAdder();

  @Override
  public void start(PluginContext ctx) throws IOException {
    topics = topics(ctx);
    limit = BigDecimal.valueOf(ctx.config().number("limit", 10_000));
    if (limit.signum() <= 0) {
      throw new IllegalArgumentException("limit must be above 0, got " + limit);
    }
    marker = ctx.pluginId() + "/" + ctx.version();
    logger = ctx.logger();
    String path = ctx.config().string("file", null);
    if (path != null) {
      file = FileChannel.open(Path.of(path), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
    ctx.register(MessageHandler.class, this);
  }

  @Override
  public void stop() throws IOException {
    logger.log(System.Logger.Level.INFO, marker + ": flagged " + flagged.sum() + " messages");
    if (file != null) {
      file.close();
    }
  }

  @Override
  public Set<String> topics() {
    return topics;
  }

  @Override
  public void handle(Message m) throws IOException {
    String amount = m.header("amount");
    String verdict = verdict(amount, limit);
    if (verdict.equals("FLAGGED")) {
      flagged.increment();
    }
    String line = m.id() + " " + verdict + " amount=" + amount + " " + marker;
    if (file == null) {
      logger.log(verdict.equals("OK") ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, line);
      return;
    }
    ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      file.write(b);
    }
  }

  /** OK, FLAGGED (above {@code limit}) or INVALID (missing or not a decimal number). */
  static String verdict(String amount, BigDecimal limit) {
    if (amount == null) {
      return "INVALID";
    }
    try {
      return new BigDecimal(amount.trim()).compareTo(limit) > 0 ? "FLAGGED" : "OK";
    } catch (NumberFormatException e) {
      return "INVALID";
    }
  }

  private static Set<String> topics(PluginContext ctx) {
    if (!ctx.config().has("topics")) {
      return Set.of("payments");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object o : ctx.config().list("topics")) {
      if (!(o instanceof String s) || s.isBlank()) {
        throw new IllegalArgumentException("topics must hold topic names, got: " + o);
      }
      out.add(s);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("topics is empty: name at least one topic");
    }
    return Set.copyOf(out);
  }
}
