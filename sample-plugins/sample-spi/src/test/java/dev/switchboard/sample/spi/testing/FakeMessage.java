package dev.switchboard.sample.spi.testing;

import dev.switchboard.sample.spi.Message;
import java.util.HashMap;
import java.util.Map;

/** An in-memory {@link Message} for handler unit tests (the real one is the message host's). */
public final class FakeMessage implements Message {
  private final String topic;
  private final long offset;
  private final String value;
  private final Map<String, String> headers = new HashMap<>();

  public FakeMessage(String topic, long offset, String value) {
    this.topic = topic;
    this.offset = offset;
    this.value = value;
  }

  public FakeMessage header(String name, String v) {
    headers.put(name, v);
    return this;
  }

  @Override
  public String id() {
    String id = headers.get("id");
    return id != null ? id : topic + "-0@" + offset;
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public int partition() {
    return 0;
  }

  @Override
  public long offset() {
    return offset;
  }

  @Override
  public String key() {
    return null;
  }

  @Override
  public String header(String name) {
    return headers.get(name);
  }

  @Override
  public String value() {
    return value;
  }
}
