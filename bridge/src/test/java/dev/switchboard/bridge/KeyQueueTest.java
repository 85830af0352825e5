package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyQueueTest {
  @Test
  void eventsForAQueuedKeyCoalesceAndAKeyIsNeverHandedOutTwiceAtOnce() throws Exception {
    KeyQueue q = new KeyQueue();
    q.offer("a");
    q.offer("a");
    q.offer("b");
    assertThat(q.size()).isEqualTo(2);
    assertThat(q.take()).isEqualTo("a");
    q.offer("a"); // changed again while being merged
    assertThat(q.take()).isEqualTo("b");
    q.done("b");
    q.done("a");
    assertThat(q.take()).as("merged again after the first merge finished").isEqualTo("a");
    q.done("a");
    assertThat(q.size()).isZero();
    q.close();
    assertThat(q.take()).isNull();
  }
}
