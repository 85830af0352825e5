package dev.switchboard.sample.messagehost;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A small Kafka consumer that knows nothing of Switchboard's runtime: {@code java -jar dist/message-host.jar
 * --bootstrap 127.0.0.1:9092 --topics payments,orders [--group message-host]} consumes the topics (one consumer
 * of the group, offsets committed by hand) and calls the active {@code MessageHandler} extensions for each message
 * ({@link ConsumerLoop}). It prints {@code PID <pid>}, {@code ASSIGNED <partitions>} once the group gave it its
 * partitions, and one {@code DONE <id> <topic>-<partition>@<offset> handlers=<n>} line per message after its
 * offset is committed. It exports its SPI package to plugins like the sample host. SIGTERM stops it after the
 * message in hand is handled and committed.
 */
public final class MessageHost {
  public static final String EXPORTS_PROPERTY = "switchboard.host.exports";
  public static final String SPI_PACKAGE = "dev.switchboard.sample.spi";

  private MessageHost() {}

  /** The parsed command line. */
  record Options(String bootstrap, List<String> topics, String group) {}

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("message-host: " + e.getMessage());
      System.err.println("usage: java -jar message-host.jar --bootstrap HOST:PORT --topics T1[,T2...] [--group G]");
      System.exit(2);
      return;
    }
    String exports = System.getProperty(EXPORTS_PROPERTY);
    System.setProperty(EXPORTS_PROPERTY, exports == null || exports.isBlank() ? SPI_PACKAGE : exports + "," + SPI_PACKAGE);
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // the Kafka client's own warnings only
    }
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, o.group());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "message-host-" + ProcessHandle.current().pid());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"); // committed after the handlers returned
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
    ConsumerLoop loop = new ConsumerLoop(consumer, o.topics(), System.out);
    Thread t = new Thread(loop, "message-host-consumer");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      loop.stop();
      try {
        t.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "message-host-shutdown"));
    System.out.println("PID " + ProcessHandle.current().pid());
    System.out.flush();
    t.start();
    t.join();
    if (loop.failure() != null) {
      System.err.println("message-host: the consumer stopped: " + loop.failure());
      System.exit(1);
    }
  }

  static Options parse(String[] args) {
    String bootstrap = null;
    List<String> topics = null;
    String group = "message-host";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      String value;
      if (a.contains("=")) {
        value = a.substring(a.indexOf('=') + 1);
      } else {
        if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
        value = args[++i];
      }
      switch (name) {
        case "--bootstrap" -> {
          if (!value.matches("[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*")) {
            throw new IllegalArgumentException("--bootstrap is not HOST:PORT[,HOST:PORT...]: " + value);
          }
          bootstrap = value;
        }
        case "--topics" -> {
          topics = new ArrayList<>();
          for (String t : value.split(",", -1)) {
            if (!t.matches("[A-Za-z0-9._-]{1,249}")) {
              throw new IllegalArgumentException("--topics has an invalid topic name (letters, digits, . _ -): '" + t + "'");
            }
            topics.add(t);
          }
        }
        case "--group" -> {
          if (value.isBlank()) throw new IllegalArgumentException("--group is blank");
          group = value;
        }
        default -> throw new IllegalArgumentException("unknown argument: " + a);
      }
    }
    if (bootstrap == null) throw new IllegalArgumentException("--bootstrap is required");
    if (topics == null) throw new IllegalArgumentException("--topics is required");
    return new Options(bootstrap, List.copyOf(topics), group);
  }
}
