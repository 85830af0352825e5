package dev.switchboard.it.runtime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A steady stream of messages into a real broker from one thread: every {@code periodMillis} one message with a
 * sequence number {@code n} (from 0, or where an earlier stream ended) — {@code o-<n>} to {@code orders} when {@code n % 4 == 3}, else {@code p-<n>}
 * to {@code payments} (key {@code acct-<n % 7>}, so both partitions get messages; header {@code amount} = {@link
 * #amount(long)}). Each id is in the {@code id} header. Sends are synchronous (acknowledged by the broker, all
 * replicas) so {@link #nextSeq()} read after an event means: every message from that number on was sent after it.
 */
final class MessageStream implements AutoCloseable {
  private final KafkaProducer<String, String> producer;
  private final long periodNanos;
  private final AtomicLong next = new AtomicLong();
  final List<String> failures = new CopyOnWriteArrayList<>();
  private volatile boolean stopping;
  private final Thread thread;

  MessageStream(String bootstrap, long periodMillis) {
    this(bootstrap, periodMillis, 0);
  }

  /** A stream whose first message carries {@code firstSeq} (continuing an earlier stream). */
  MessageStream(String bootstrap, long periodMillis, long firstSeq) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"); // a retried send is not written twice
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
    this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
    this.thread = new Thread(this::run, "message-stream");
    this.next.set(firstSeq);
  }

  MessageStream start() {
    thread.start();
    return this;
  }

  static String id(long n) {
    return (n % 4 == 3 ? "o-" : "p-") + n;
  }

  static long seq(String id) {
    return Long.parseLong(id.substring(2));
  }

  /** The amount of payment {@code n}: 0..1999, so a limit of 900 flags about half. */
  static long amount(long n) {
    return (n * 37) % 2000;
  }

  /** The number the next message will carry (the count of messages sent so far). */
  long nextSeq() {
    return next.get();
  }

  private void run() {
    long due = System.nanoTime();
    while (!stopping) {
      long n = next.get();
      String id = id(n);
      ProducerRecord<String, String> r = id.startsWith("o-")
          ? new ProducerRecord<>("orders", "order-" + n, "{\"order\":" + n + "}")
          : new ProducerRecord<>("payments", "acct-" + (n % 7), "{\"payment\":" + n + "}");
      r.headers().add("id", id.getBytes(StandardCharsets.UTF_8));
      if (id.startsWith("p-")) r.headers().add("amount", Long.toString(amount(n)).getBytes(StandardCharsets.UTF_8));
      try {
        producer.send(r).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        failures.add(id + ": " + e);
        return;
      }
      next.incrementAndGet();
      due += periodNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait); // pacing of the stream, not a wait for a result
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Stops sending; returns the next number (ids up to it, exclusive, were sent). */
  long stop() throws InterruptedException {
    stopping = true;
    thread.join(TimeUnit.SECONDS.toMillis(40));
    if (thread.isAlive()) throw new AssertionError("the message stream did not stop");
    return next.get();
  }

  @Override
  public void close() throws InterruptedException {
    if (thread.isAlive()) stop();
    producer.close();
  }
}
