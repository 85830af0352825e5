package dev.switchboard.sample.plugins.audit;

import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginContext;
import dev.switchboard.sample.spi.Message;
import dev.switchboard.sample.spi.MessageHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A message handler that keeps an audit trail: for every message of its {@code topics} (default {@code
 * payments}, {@code orders}) one line {@code <id> <topic>-<partition>@<offset> <plugin>/<version>}, appended to
 * {@code file} before {@link #handle} returns (so the host commits the offset only once the line is written), or
 * logged to the plugin logger when no file is set. Two versions may append to one file: an upgrade drains the old
 * version's calls before it stops and closes its channel.
 */
public final class MessageAuditPlugin implements Plugin, MessageHandler {
  private Set<String> topics;
  private String marker;
  private FileChannel file; // null: plugin logger
  private System.Logger logger;

  @Override
  public void start(PluginContext ctx) throws IOException {
    topics = topics(ctx, Set.of("payments", "orders"));
    marker = ctx.pluginId() + "/" + ctx.version();
    logger = ctx.logger();
    String path = ctx.config().string("file", null);
    if (path != null) {
      file = FileChannel.open(Path.of(path), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
    ctx.register(MessageHandler.class, this);
    logger.log(System.Logger.Level.INFO, marker + ": auditing " + topics + (path == null ? " to the plugin log" : " to " + path));
  }

  @Override
  public void stop() throws IOException {
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
    String line = auditLine(m, marker);
    if (file == null) {
      logger.log(System.Logger.Level.INFO, line);
      return;
    }
    ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      file.write(b); // APPEND: each write lands at the end, whole
    }
  }

  static String auditLine(Message m, String marker) {
    return m.id() + " " + m.topic() + "-" + m.partition() + "@" + m.offset() + " " + marker;
  }

  /** The {@code topics} setting (a non-empty array of names; the schema checks the names), or {@code dflt}. */
  static Set<String> topics(PluginContext ctx, Set<String> dflt) {
    if (!ctx.config().has("topics")) {
      return dflt;
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
