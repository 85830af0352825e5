package dev.switchboard.bridge.ledger;

import dev.switchboard.bridge.leader.EtcdLeader;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The last-synced value of every bridged key (what etcd and ZooKeeper both held the last time the
 * bridge saw them equal), plus write intents. Stored in etcd under {@code <root>/bridge/ledger/<etcd
 * key>} and {@code <root>/bridge/intent/<etcd key>} (never bridged) so it survives restarts and is
 * shared by standby bridges; cached in memory by the leader (loaded when elected). Every write is an
 * etcd transaction fenced on the leader's term, so a deposed leader changes nothing.
 *
 * <p>Crash safety: a write into etcd and its ledger entry are one transaction. A write into
 * ZooKeeper cannot share a transaction with etcd, so an <em>intent</em> (the value about to be
 * written and the znode version it is conditional on) is recorded first; the ledger entry and the
 * intent's removal are one transaction after the ZooKeeper write. A merge that finds an intent
 * decides from ZooKeeper's current version whether that write happened.
 */
public final class Ledger {
  /** A ZooKeeper write that was about to happen: {@code value} (null: delete) if the znode was at {@code zkVersionBefore}. */
  public record Intent(byte[] value, long zkVersionBefore) {
    byte[] encode() {
      ByteBuffer b = ByteBuffer.allocate(9 + (value == null ? 0 : value.length));
      b.putLong(zkVersionBefore).put((byte) (value == null ? 0 : 1));
      if (value != null) {
        b.put(value);
      }
      return b.array();
    }

    static Intent decode(byte[] raw) {
      ByteBuffer b = ByteBuffer.wrap(raw);
      long v = b.getLong();
      boolean present = b.get() == 1;
      byte[] value = null;
      if (present) {
        value = new byte[b.remaining()];
        b.get(value);
      }
      return new Intent(value, v);
    }
  }

  /** Result of a fenced etcd transaction. */
  public enum Result { OK, VERSION_CHANGED, NOT_LEADER }

  private final Client client;
  private final String ledgerPrefix;
  private final String intentPrefix;
  private final ByteSequence leaderKey;
  private final EtcdLeader leader;
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
  private final Map<String, Intent> intents = new ConcurrentHashMap<>();
  /** Keys whose last transaction got no answer: the cache may not match etcd for them. */
  private final Set<String> uncertain = ConcurrentHashMap.newKeySet();
  private final long timeoutMs;
  private final Batches batches = new Batches(this::send, this::refused, 4);

  private static int size(byte[] v) {
    return v == null ? 0 : v.length;
  }

  public Ledger(Client client, String bridgePrefix, String leaderKey, EtcdLeader leader, long timeoutMs) {
    this.client = client;
    this.ledgerPrefix = bridgePrefix + "/ledger";
    this.intentPrefix = bridgePrefix + "/intent";
    this.leaderKey = bs(leaderKey);
    this.leader = leader;
    this.timeoutMs = timeoutMs;
  }

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** Reads the whole ledger and the intents from etcd into memory. */
  public void load() throws Exception {
    uncertain.clear();
    cache.clear();
    intents.clear();
    for (KeyValue kv : range(ledgerPrefix)) {
      cache.put(kv.getKey().toString(StandardCharsets.UTF_8).substring(ledgerPrefix.length()), kv.getValue().getBytes());
    }
    for (KeyValue kv : range(intentPrefix)) {
      intents.put(kv.getKey().toString(StandardCharsets.UTF_8).substring(intentPrefix.length()), Intent.decode(kv.getValue().getBytes()));
    }
  }

  private List<KeyValue> range(String prefix) throws Exception {
    return client.getKVClient().get(bs(prefix + "/"), GetOption.builder().isPrefix(true).build()).get(timeoutMs * 4, TimeUnit.MILLISECONDS).getKvs();
  }

  /** etcd transactions sent for the ledger so far (group commit: one may carry several keys). */
  public long transactionsSent() {
    return batches.transactions();
  }

  /** Per-key transactions carried by them. */
  public long keyTransactionsSent() {
    return batches.keys();
  }

  public byte[] get(String etcdKey) {
    return cache.get(etcdKey);
  }

  public Intent intent(String etcdKey) {
    return intents.get(etcdKey);
  }

  /** Every key with a ledger entry or an intent. */
  public Set<String> keys() {
    Set<String> s = new HashSet<>(cache.keySet());
    s.addAll(intents.keySet());
    return s;
  }

  public int size() {
    return cache.size();
  }

  private List<Op> record(String etcdKey, byte[] ledgerValue) {
    List<Op> ops = new ArrayList<>();
    ops.add(ledgerValue == null
        ? Op.delete(bs(ledgerPrefix + etcdKey), DeleteOption.DEFAULT)
        : Op.put(bs(ledgerPrefix + etcdKey), ByteSequence.from(ledgerValue), PutOption.DEFAULT));
    ops.add(Op.delete(bs(intentPrefix + etcdKey), DeleteOption.DEFAULT));
    return ops;
  }

  private void recorded(String etcdKey, byte[] ledgerValue) {
    if (ledgerValue == null) {
      cache.remove(etcdKey);
    } else {
      cache.put(etcdKey, ledgerValue.clone());
    }
    intents.remove(etcdKey);
  }

  /** Re-reads the ledger entry and intent of a key whose last transaction got no answer. */
  public void refreshIfUncertain(String etcdKey) throws Exception {
    if (!uncertain.contains(etcdKey)) {
      return;
    }
    var l = client.getKVClient().get(bs(ledgerPrefix + etcdKey)).get(timeoutMs, TimeUnit.MILLISECONDS).getKvs();
    var i = client.getKVClient().get(bs(intentPrefix + etcdKey)).get(timeoutMs, TimeUnit.MILLISECONDS).getKvs();
    if (l.isEmpty()) {
      cache.remove(etcdKey);
    } else {
      cache.put(etcdKey, l.get(0).getValue().getBytes());
    }
    if (i.isEmpty()) {
      intents.remove(etcdKey);
    } else {
      intents.put(etcdKey, Intent.decode(i.get(0).getValue().getBytes()));
    }
    uncertain.remove(etcdKey);
  }

  /**
   * Runs one key's fenced ledger transaction. Transactions of concurrent merges are sent together
   * (group commit): while one batch is in flight the next ones queue, and the next batch is one
   * etcd transaction {@code If(term) Then(Txn(If(cmps_1) Then(ops_1)), Txn(If(cmps_2)
   * Then(ops_2)), …)} — every key keeps its own conditions and outcome, the term fences them all.
   * A lone transaction is sent at once, so at low rates nothing waits.
   */
  private Result run(String etcdKey, List<Cmp> cmps, List<Op> ops, int bytes) throws Exception {
    CompletableFuture<Result> done = new CompletableFuture<>();
    batches.submit(new Batches.Pending(etcdKey, cmps, ops, bytes, done));
    try {
      return done.get(timeoutMs * 2, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      uncertain.add(etcdKey);
      throw e;
    }
  }

  private CompletableFuture<TxnResponse> send(Op[] nested) {
    return client.getKVClient().txn()
        .If(leader.fence())
        .Then(nested)
        .Else(Op.get(leaderKey, GetOption.DEFAULT))
        .commit()
        .orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** The outcome when the batch's term comparison failed. */
  private Result refused(TxnResponse r) {
    List<KeyValue> kvs = r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
    boolean stillLeader = !kvs.isEmpty() && kvs.get(0).getCreateRevision() == leader.term() && leader.term() != 0;
    return stillLeader ? Result.VERSION_CHANGED : Result.NOT_LEADER;
  }

  /** Sets ({@code value != null}) or removes the ledger entry and clears the intent; fenced on leadership. */
  public Result commit(String etcdKey, byte[] ledgerValue) throws Exception {
    Result r = run(etcdKey, List.of(), record(etcdKey, ledgerValue), size(ledgerValue));
    if (r == Result.OK) {
      recorded(etcdKey, ledgerValue);
    }
    return r;
  }

  /**
   * Writes {@code value} (null: delete) to the etcd key if its mod_revision is still {@code
   * expectedModRevision} ({@code -1}: absent) and records the ledger entry — one transaction,
   * fenced on leadership.
   */
  public Result writeEtcd(String etcdKey, byte[] value, long expectedModRevision, byte[] ledgerValue) throws Exception {
    ByteSequence k = bs(etcdKey);
    Cmp version = expectedModRevision < 0
        ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
        : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
    List<Op> ops = new ArrayList<>();
    ops.add(value == null ? Op.delete(k, DeleteOption.DEFAULT) : Op.put(k, ByteSequence.from(value), PutOption.DEFAULT));
    ops.addAll(record(etcdKey, ledgerValue));
    Result r = run(etcdKey, List.of(version), ops, size(value) + size(ledgerValue));
    if (r == Result.OK) {
      recorded(etcdKey, ledgerValue);
    }
    return r;
  }

  /** Records the intent of a ZooKeeper write before it is made; fenced on leadership. */
  public Result intend(String etcdKey, Intent intent) throws Exception {
    byte[] encoded = intent.encode();
    Result r = run(etcdKey, List.of(), List.of(Op.put(bs(intentPrefix + etcdKey), ByteSequence.from(encoded), PutOption.DEFAULT)), encoded.length);
    if (r == Result.OK) {
      intents.put(etcdKey, intent);
    }
    return r;
  }
}
