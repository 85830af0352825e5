package dev.switchboard.sample.messagehost;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.Extensions;
import dev.switchboard.sample.spi.MessageHandler;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer loop: poll, then per record (in partition order) one call of the {@link MessageHandler} point —
 * each active handler whose topics contain the record's topic handles it — then a synchronous commit of the
 * record's offset + 1, then the {@code DONE} line. So an offset is committed only after the handlers returned,
 * and a record is handed to the point exactly once: the point's snapshot gives it to one version of a plugin
 * (an upgrade publishes the new version in one swap and waits for the calls in flight on the old one). After a
 * crash between a handler's return and the commit, that one record per partition is delivered again when the
 * group restarts: the window for a duplicate is one record, and a swap or a deactivation never opens it.
 */
final class ConsumerLoop implements Runnable {
  static final ExtensionPoint<MessageHandler> HANDLERS = Extensions.point(MessageHandler.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Consumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final PrintStream out;
  private volatile boolean stopping;
  private volatile Throwable failure;

  ConsumerLoop(Consumer<byte[], byte[]> consumer, List<String> topics, PrintStream out) {
    this.consumer = consumer;
    this.topics = List.copyOf(topics);
    this.out = out;
  }

  /** Ends the loop after the record in hand (handled and committed); no wakeup, so no commit is cut short. */
  void stop() {
    stopping = true;
  }

  Throwable failure() {
    return failure;
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(topics, new Assignments());
      while (!stopping) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          handleAndCommit(r);
        }
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      e.printStackTrace();
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void handleAndCommit(ConsumerRecord<byte[], byte[]> r) {
    KafkaMessage m = new KafkaMessage(r);
    try {
      HANDLERS.forEach(ConsumerLoop::dispatch, m, m);
    } catch (RuntimeException | LinkageError e) { // a handler's exception is caught in dispatch: this is the point's
      out.println("HANDLER_FAILED " + m.id() + " " + e);
    }
    for (String f : m.failures) {
      out.println("HANDLER_FAILED " + m.id() + " " + f);
    }
    consumer.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
    out.println("DONE " + m.id() + " " + r.topic() + "-" + r.partition() + "@" + r.offset() + " handlers=" + m.calls);
  }

  /** One handler, one message: only handlers of the message's topic; a failure is printed and the others go on. */
  static void dispatch(MessageHandler h, KafkaMessage m) {
    if (!h.topics().contains(m.topic())) {
      return;
    }
    m.calls++;
    try {
      h.handle(m);
    } catch (Exception e) {
      m.failures.add(h.getClass().getName() + ": " + e);
    }
  }

  /** Prints the partitions this consumer got, so a starter knows when consumption begins. */
  private final class Assignments implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      List<String> names = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        names.add(tp.topic() + "-" + tp.partition());
      }
      names.sort(null);
      out.println("ASSIGNED " + String.join(",", names));
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // every handled record is already committed (one commit per record): nothing to flush
    }
  }
}
