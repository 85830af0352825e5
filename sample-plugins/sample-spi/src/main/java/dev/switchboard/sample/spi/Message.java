package dev.switchboard.sample.spi;

/**
 * One consumed message as the sample message host shows it to {@link MessageHandler}s: where it
 * came from (topic, partition, offset), its key, headers and value. Immutable for handlers.
 */
public interface Message {
  /** The message id: the {@code id} header when the producer set one, else {@code <topic>-<partition>@<offset>}. */
  String id();

  /** The topic it was consumed from, e.g. {@code payments}. */
  String topic();

  /** The partition of {@link #topic()}. */
  int partition();

  /** The offset within the partition. */
  long offset();

  /** The record key as UTF-8 text, or null when the record has none. */
  String key();

  /** The last value of a header as UTF-8 text, or null when the record has no such header. */
  String header(String name);

  /** The record value as UTF-8 text ({@code ""} for an empty or null value). */
  String value();
}
