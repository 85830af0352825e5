package dev.switchboard.sample.messagehost;

import dev.switchboard.api.RoutingKey;
import dev.switchboard.sample.spi.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A consumed record as handlers see it; also the call's routing key (its headers), so a plugin running two
 * versions with calls shared can pin or hash messages by a header. Not thread-safe: one consumer thread.
 */
final class KafkaMessage implements Message, RoutingKey {
  private final ConsumerRecord<byte[], byte[]> record;
  private final String id;
  /** Handlers of this message's topic called so far. */
  int calls;
  /** Handlers that threw: class and exception. */
  final List<String> failures = new ArrayList<>(0);

  KafkaMessage(ConsumerRecord<byte[], byte[]> record) {
    this.record = record;
    String header = header("id");
    this.id = header != null ? header : record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String topic() {
    return record.topic();
  }

  @Override
  public int partition() {
    return record.partition();
  }

  @Override
  public long offset() {
    return record.offset();
  }

  @Override
  public String key() {
    return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
  }

  @Override
  public String header(String name) {
    Header h = record.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public String value() {
    return record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
  }

  @Override
  public String attribute(String name) {
    return header(name);
  }
}
