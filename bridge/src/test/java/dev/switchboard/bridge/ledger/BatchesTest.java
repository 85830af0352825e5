package dev.switchboard.bridge.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class BatchesTest {
  private final List<Op[]> sent = new ArrayList<>();
  private final List<CompletableFuture<TxnResponse>> answers = new ArrayList<>();
  private final Batches batches = new Batches(ops -> {
    sent.add(ops);
    CompletableFuture<TxnResponse> f = new CompletableFuture<>();
    answers.add(f);
    return f;
  }, r -> Ledger.Result.NOT_LEADER, 1);

  private static CompletableFuture<Ledger.Result> submit(Batches b, String key, int bytes) {
    CompletableFuture<Ledger.Result> done = new CompletableFuture<>();
    Op put = Op.put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from("v", StandardCharsets.UTF_8), PutOption.DEFAULT);
    b.submit(new Batches.Pending(key, List.of(), List.of(put), bytes, done));
    return done;
  }

  /** An answer to an outer transaction that succeeded, with the given nested outcomes. */
  private static TxnResponse answer(boolean... nested) {
    io.etcd.jetcd.api.TxnResponse.Builder b = io.etcd.jetcd.api.TxnResponse.newBuilder().setSucceeded(true);
    for (boolean ok : nested) {
      b.addResponses(ResponseOp.newBuilder().setResponseTxn(io.etcd.jetcd.api.TxnResponse.newBuilder().setSucceeded(ok)));
    }
    return new TxnResponse(b.build(), ByteSequence.EMPTY);
  }

  @Test
  void aLoneTransactionGoesOutAtOnceAndTheOnesArrivingMeanwhileGoTogetherWithTheirOwnOutcomes() throws Exception {
    CompletableFuture<Ledger.Result> a = submit(batches, "/a", 1);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0)).hasSize(1);
    CompletableFuture<Ledger.Result> b = submit(batches, "/b", 1);
    CompletableFuture<Ledger.Result> c = submit(batches, "/c", 1);
    assertThat(sent).as("nothing more while one is in flight").hasSize(1);
    answers.get(0).complete(answer(true));
    assertThat(a.get()).isEqualTo(Ledger.Result.OK);
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)).as("b and c in one transaction").hasSize(2);
    answers.get(1).complete(answer(true, false));
    assertThat(b.get()).isEqualTo(Ledger.Result.OK);
    assertThat(c.get()).as("c's own condition failed").isEqualTo(Ledger.Result.VERSION_CHANGED);
  }

  @Test
  void aKeyIsNeverTwiceInOneBatchAndBatchesStayUnderTheSizeLimit() throws Exception {
    submit(batches, "/first", 1);
    CompletableFuture<Ledger.Result> k1 = submit(batches, "/k", 1);
    CompletableFuture<Ledger.Result> k2 = submit(batches, "/k", 1);
    CompletableFuture<Ledger.Result> big = submit(batches, "/big", Batches.MAX_BYTES);
    answers.get(0).complete(answer(true));
    assertThat(sent.get(1)).as("/k once; /big would exceed the byte limit").hasSize(1);
    answers.get(1).complete(answer(true));
    assertThat(k1.get()).isEqualTo(Ledger.Result.OK);
    assertThat(sent.get(2)).as("the second /k; /big still too large to join").hasSize(1);
    answers.get(2).complete(answer(true));
    assertThat(k2.get()).isEqualTo(Ledger.Result.OK);
    assertThat(sent.get(3)).hasSize(1);
    answers.get(3).complete(answer(true));
    assertThat(big.get()).isEqualTo(Ledger.Result.OK);
    assertThat(sent).hasSize(4);
  }

  @Test
  void withRoomForSeveralInFlightEachGoesOutAtOnceButAKeyWaitsForItsEarlierTransaction() throws Exception {
    List<CompletableFuture<TxnResponse>> two = new ArrayList<>();
    Batches b = new Batches(ops -> {
      CompletableFuture<TxnResponse> f = new CompletableFuture<>();
      two.add(f);
      return f;
    }, r -> Ledger.Result.NOT_LEADER, 2);
    CompletableFuture<Ledger.Result> k1 = submit(b, "/k", 1);
    CompletableFuture<Ledger.Result> k2 = submit(b, "/k", 1);
    CompletableFuture<Ledger.Result> x = submit(b, "/x", 1);
    assertThat(two).as("/k and /x in flight, the second /k waits for the first").hasSize(2);
    two.get(1).complete(answer(true));
    assertThat(x.get()).isEqualTo(Ledger.Result.OK);
    assertThat(two).as("still waiting: /k is in flight").hasSize(2);
    two.get(0).complete(answer(true));
    assertThat(k1.get()).isEqualTo(Ledger.Result.OK);
    assertThat(two).hasSize(3);
    two.get(2).complete(answer(true));
    assertThat(k2.get()).isEqualTo(Ledger.Result.OK);
  }

  @Test
  void aFailedOrRefusedBatchFailsEveryTransactionInItAndTheNextBatchStillGoesOut() throws Exception {
    submit(batches, "/first", 1);
    CompletableFuture<Ledger.Result> a = submit(batches, "/a", 1);
    CompletableFuture<Ledger.Result> b = submit(batches, "/b", 1);
    answers.get(0).completeExceptionally(new IllegalStateException("etcd gone"));
    assertThat(sent).hasSize(2);
    CompletableFuture<Ledger.Result> c = submit(batches, "/c", 1);
    answers.get(1).complete(new TxnResponse(io.etcd.jetcd.api.TxnResponse.newBuilder().setSucceeded(false).build(), ByteSequence.EMPTY));
    assertThat(a.get()).as("term comparison failed").isEqualTo(Ledger.Result.NOT_LEADER);
    assertThat(b.get()).isEqualTo(Ledger.Result.NOT_LEADER);
    answers.get(2).completeExceptionally(new IllegalStateException("timeout"));
    assertThatThrownBy(c::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("timeout");
    assertThat(sent).hasSize(3);
  }
}
