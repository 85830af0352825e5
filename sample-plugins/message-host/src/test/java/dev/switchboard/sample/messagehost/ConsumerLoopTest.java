package dev.switchboard.sample.messagehost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginContext;
import dev.switchboard.api.testing.PluginHarness;
import dev.switchboard.sample.spi.Message;
import dev.switchboard.sample.spi.MessageHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The loop over the Kafka client's own in-memory consumer (pure logic: dispatch by topic, commit after the handlers). */
class ConsumerLoopTest {
  private static final TopicPartition PAYMENTS = new TopicPartition("payments", 0);
  private static final TopicPartition ORDERS = new TopicPartition("orders", 0);

  /** A plugin registering one handler of {@code topics} that records "topic:id" and the committed offset it saw. */
  static final class Recording implements Plugin, MessageHandler {
    final Set<String> topics;
    final List<String> seen = new CopyOnWriteArrayList<>();
    final MockConsumer<byte[], byte[]> consumer;
    final boolean fail;

    Recording(Set<String> topics, MockConsumer<byte[], byte[]> consumer, boolean fail) {
      this.topics = topics;
      this.consumer = consumer;
      this.fail = fail;
    }

    @Override
    public void start(PluginContext ctx) {
      ctx.register(MessageHandler.class, this);
    }

    @Override
    public Set<String> topics() {
      return topics;
    }

    @Override
    public void handle(Message m) {
      OffsetAndMetadata committed = consumer.committed(Set.of(new TopicPartition(m.topic(), m.partition()))).get(
          new TopicPartition(m.topic(), m.partition()));
      seen.add(m.topic() + ":" + m.id() + " committed=" + (committed == null ? "none" : committed.offset()));
      if (fail) throw new IllegalStateException("boom on " + m.id());
    }
  }

  @Test
  void eachRecordGoesToTheHandlersOfItsTopicAndIsCommittedAfterThem() throws Exception {
    CommitsRecorded consumer = new CommitsRecorded();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ConsumerLoop loop = new ConsumerLoop(consumer, List.of("payments", "orders"), out);
    Recording payments = new Recording(Set.of("payments"), consumer, false);
    Recording both = new Recording(Set.of("payments", "orders"), consumer, true);
    try (PluginHarness a = PluginHarness.start(payments, Map.of()); PluginHarness b = PluginHarness.start(both, Map.of())) {
      consumer.schedulePollTask(() -> {
        consumer.rebalance(List.of(PAYMENTS, ORDERS));
        consumer.updateBeginningOffsets(Map.of(PAYMENTS, 0L, ORDERS, 0L));
        consumer.addRecord(record("payments", 0, "p-0"));
        consumer.addRecord(record("orders", 0, "o-0"));
        consumer.addRecord(record("payments", 1, null));
      });
      consumer.schedulePollTask(loop::stop);
      Thread t = new Thread(loop);
      t.start();
      t.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(t.isAlive()).isFalse();
      assertThat(loop.failure()).isNull();
      assertThat(payments.seen).containsExactly("payments:p-0 committed=none", "payments:payments-0@1 committed=1");
      assertThat(both.seen).containsExactlyInAnyOrder("payments:p-0 committed=none", "orders:o-0 committed=none",
          "payments:payments-0@1 committed=1");
      assertThat(both.seen.stream().filter(x -> x.startsWith("payments:")))
          .containsExactly("payments:p-0 committed=none", "payments:payments-0@1 committed=1");
      assertThat(consumer.commits).containsExactlyInAnyOrder("payments-0=1", "orders-0=1", "payments-0=2");
      assertThat(consumer.commits.stream().filter(x -> x.startsWith("payments"))).containsExactly("payments-0=1", "payments-0=2");
      List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
      assertThat(lines.get(0)).isEqualTo("ASSIGNED orders-0,payments-0");
      assertThat(lines.subList(1, lines.size())).containsExactlyInAnyOrder(
          "HANDLER_FAILED p-0 " + Recording.class.getName() + ": java.lang.IllegalStateException: boom on p-0",
          "DONE p-0 payments-0@0 handlers=2",
          "HANDLER_FAILED o-0 " + Recording.class.getName() + ": java.lang.IllegalStateException: boom on o-0",
          "DONE o-0 orders-0@0 handlers=1",
          "HANDLER_FAILED payments-0@1 " + Recording.class.getName() + ": java.lang.IllegalStateException: boom on payments-0@1",
          "DONE payments-0@1 payments-0@1 handlers=2");
      assertThat(lines.indexOf("DONE p-0 payments-0@0 handlers=2")).isLessThan(lines.indexOf("DONE payments-0@1 payments-0@1 handlers=2"));
    }
    assertThat(consumer.closed()).isTrue();
  }

  @Test
  void aRecordWithNoHandlerIsCommittedWithNone() throws Exception {
    CommitsRecorded consumer = new CommitsRecorded();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsumerLoop loop = new ConsumerLoop(consumer, List.of("orders"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(ORDERS));
      consumer.updateBeginningOffsets(Map.of(ORDERS, 0L));
      consumer.addRecord(record("orders", 0, "o-0"));
    });
    consumer.schedulePollTask(loop::stop);
    loop.run();
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly("ASSIGNED orders-0", "DONE o-0 orders-0@0 handlers=0");
    assertThat(consumer.commits).containsExactly("orders-0=1");
  }

  @Test
  void badCommandLinesAreRefusedNamingTheValue() {
    MessageHost.Options o = MessageHost.parse(new String[] {"--bootstrap", "127.0.0.1:9092", "--topics=payments,orders"});
    assertThat(o.topics()).containsExactly("payments", "orders");
    assertThat(o.group()).isEqualTo("message-host");
    assertThatThrownBy(() -> MessageHost.parse(new String[] {"--bootstrap", "localhost", "--topics", "a"}))
        .hasMessage("--bootstrap is not HOST:PORT[,HOST:PORT...]: localhost");
    assertThatThrownBy(() -> MessageHost.parse(new String[] {"--bootstrap", "h:1", "--topics", "a,,b"}))
        .hasMessage("--topics has an invalid topic name (letters, digits, . _ -): ''");
    assertThatThrownBy(() -> MessageHost.parse(new String[] {"--bootstrap", "h:1"})).hasMessage("--topics is required");
    assertThatThrownBy(() -> MessageHost.parse(new String[] {"--topics", "a", "--port", "1"})).hasMessage("unknown argument: --port");
  }

  /** The client's in-memory consumer, with every synchronous commit recorded as "topic-partition=offset". */
  static final class CommitsRecorded extends MockConsumer<byte[], byte[]> {
    final List<String> commits = new CopyOnWriteArrayList<>();

    CommitsRecorded() {
      super(AutoOffsetResetStrategy.EARLIEST.name());
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
      offsets.forEach((tp, o) -> commits.add(tp + "=" + o.offset()));
      super.commitSync(offsets);
    }
  }

  private static ConsumerRecord<byte[], byte[]> record(String topic, long offset, String id) {
    ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>(topic, 0, offset, null, "v".getBytes(StandardCharsets.UTF_8));
    if (id != null) r.headers().add("id", id.getBytes(StandardCharsets.UTF_8));
    return r;
  }
}
