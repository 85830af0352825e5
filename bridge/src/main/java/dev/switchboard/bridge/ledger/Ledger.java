package dev.switchboard.bridge.ledger;

import dev.switchboard.bridge.leader.EtcdLeader;
import dev.switchboard.bridge.merge.Base;
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
 * The last-synced state of every bridged key (a {@link Base}: the value etcd and ZooKeeper both
 * held the last time the bridge saw them equal, and the revision of that write in each store), plus
 * write intents. Stored in etcd under {@code <root>/bridge/base/<etcd key>} and {@code
 * <root>/bridge/intent/<etcd key>} (never bridged) so it survives restarts and is shared by standby
 * bridges; cached in memory by the leader (loaded when elected). Every write is an etcd transaction
 * fenced on the leader's term, so a deposed leader changes nothing.
 *
 * <p>Format: an entry is {@code [1][etcd revision: 8 bytes][ZooKeeper mzxid: 8 bytes][value]}, the etcd
 * revision -1 meaning "this entry's own mod_revision" (an etcd write and its entry are one
 * transaction, so they share the revision, which is only known once it is committed). Entries of
 * the earlier value-only ledger ({@code <root>/bridge/ledger/<etcd key>}: the bare value) still load,
 * with unknown revisions (the merge then compares values, as that version did); the next merge of
 * the key records it in the new format and deletes the old entry in the same transaction.
 *
 * <p>Crash safety: a write into etcd and its ledger entry are one transaction. A write into
 * ZooKeeper cannot share a transaction with etcd, so an <em>intent</em> (the value about to be
 * written, the znode's mzxid it is conditional on, and etcd's revision of the value) is recorded
 * first; the ledger entry and the intent's removal are one transaction after the ZooKeeper write. A
 * merge that finds an intent decides from ZooKeeper's current mzxid whether that write happened.
 */
public final class Ledger {
  /**
   * A ZooKeeper write that was about to happen: {@code value} (null: delete) if the znode was still
   * at {@code zkBefore} ({@link dev.switchboard.store.KeySpace#ABSENT}: absent). {@code zkBefore}
   * is the znode's mzxid ({@code byRevision}), or its Stat.version in intents of the earlier format;
   * {@code etcdRevision} is etcd's mod_revision of the value being copied ({@link Base#UNKNOWN} in
   * the earlier format).
   */
  public record Intent(byte[] value, long zkBefore, boolean byRevision, long etcdRevision) {
    /** An intent of the earlier format (znode version, no etcd revision). */
    public Intent(byte[] value, long zkVersionBefore) {
      this(value, zkVersionBefore, false, Base.UNKNOWN);
    }

    /** Whether ZooKeeper moved from the state the write was conditional on (absent: ABSENT for both). */
    public boolean happened(long zkVersionNow, long zkRevisionNow) {
      return (byRevision ? zkRevisionNow : zkVersionNow) != zkBefore;
    }

    byte[] encode() {
      if (!byRevision) {
        ByteBuffer b = ByteBuffer.allocate(9 + (value == null ? 0 : value.length));
        b.putLong(zkBefore).put((byte) (value == null ? 0 : 1));
        if (value != null) {
          b.put(value);
        }
        return b.array();
      }
      ByteBuffer b = ByteBuffer.allocate(17 + (value == null ? 0 : value.length));
      b.putLong(zkBefore).put((byte) (value == null ? 2 : 3)).putLong(etcdRevision);
      if (value != null) {
        b.put(value);
      }
      return b.array();
    }

    static Intent decode(byte[] raw) {
      ByteBuffer b = ByteBuffer.wrap(raw);
      long before = b.getLong();
      byte kind = b.get();
      if (kind < 0 || kind > 3) {
        throw new IllegalArgumentException("intent of an unknown format: kind " + kind);
      }
      boolean byRevision = kind >= 2;
      long etcdRevision = byRevision ? b.getLong() : Base.UNKNOWN;
      byte[] value = null;
      if (kind == 1 || kind == 3) {
        value = new byte[b.remaining()];
        b.get(value);
      }
      return new Intent(value, before, byRevision, etcdRevision);
    }
  }

  /** etcd revision in a stored entry meaning "the entry's own mod_revision". */
  private static final long SAME_REVISION = -1;
  private static final byte FORMAT = 1;

  static byte[] encode(Base b, boolean etcdRevisionIsOwn) {
    ByteBuffer buf = ByteBuffer.allocate(17 + b.value().length);
    buf.put(FORMAT).putLong(etcdRevisionIsOwn ? SAME_REVISION : b.etcdRevision()).putLong(b.zkRevision()).put(b.value());
    return buf.array();
  }

  static Base decode(byte[] raw, long ownModRevision) {
    if (raw.length < 18 || raw[0] != FORMAT) {
      throw new IllegalArgumentException("ledger entry of an unknown format (" + raw.length + " bytes, first " + (raw.length == 0 ? "-" : raw[0]) + ")");
    }
    ByteBuffer buf = ByteBuffer.wrap(raw);
    buf.get();
    long e = buf.getLong();
    long z = buf.getLong();
    byte[] value = new byte[buf.remaining()];
    buf.get(value);
    return new Base(value, e == SAME_REVISION ? ownModRevision : e, z);
  }

  /** Result of a fenced etcd transaction. */
  public enum Result { OK, VERSION_CHANGED, NOT_LEADER }

  private final Client client;
  private final String ledgerPrefix;
  private final String legacyPrefix;
  private final String intentPrefix;
  private final ByteSequence leaderKey;
  private final EtcdLeader leader;
  private final Map<String, Base> cache = new ConcurrentHashMap<>();
  /** Keys whose entry is still stored in the value-only format (deleted when the key is next recorded). */
  private final Set<String> legacy = ConcurrentHashMap.newKeySet();
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
    this.ledgerPrefix = bridgePrefix + "/base";
    this.legacyPrefix = bridgePrefix + "/ledger";
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
    legacy.clear();
    for (KeyValue kv : range(legacyPrefix)) {
      String key = kv.getKey().toString(StandardCharsets.UTF_8).substring(legacyPrefix.length());
      legacy.add(key);
      cache.put(key, new Base(kv.getValue().getBytes(), Base.UNKNOWN, Base.UNKNOWN));
    }
    for (KeyValue kv : range(ledgerPrefix)) {
      String key = kv.getKey().toString(StandardCharsets.UTF_8).substring(ledgerPrefix.length());
      try {
        cache.put(key, decode(kv.getValue().getBytes(), kv.getModRevision()));
      } catch (IllegalArgumentException e) {
        cache.remove(key);
        org.slf4j.LoggerFactory.getLogger(Ledger.class).error("ledger entry {}{} ignored: {}", ledgerPrefix, key, e.getMessage());
      }
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

  /** The key's entry, null when both stores were without it at the last merge. */
  public Base base(String etcdKey) {
    return cache.get(etcdKey);
  }

  /** Whether the key's entry is still in the value-only format. */
  public boolean legacy(String etcdKey) {
    return legacy.contains(etcdKey);
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

  private List<Op> record(String etcdKey, Base entry, boolean etcdRevisionIsOwn) {
    List<Op> ops = new ArrayList<>();
    ops.add(entry == null
        ? Op.delete(bs(ledgerPrefix + etcdKey), DeleteOption.DEFAULT)
        : Op.put(bs(ledgerPrefix + etcdKey), ByteSequence.from(encode(entry, etcdRevisionIsOwn)), PutOption.DEFAULT));
    ops.add(Op.delete(bs(intentPrefix + etcdKey), DeleteOption.DEFAULT));
    if (legacy.contains(etcdKey)) {
      ops.add(Op.delete(bs(legacyPrefix + etcdKey), DeleteOption.DEFAULT));
    }
    return ops;
  }

  private void recorded(String etcdKey, Base entry) {
    if (entry == null) {
      cache.remove(etcdKey);
    } else {
      cache.put(etcdKey, entry);
    }
    intents.remove(etcdKey);
    legacy.remove(etcdKey);
  }

  /** Re-reads the ledger entry and intent of a key whose last transaction got no answer. */
  public void refreshIfUncertain(String etcdKey) throws Exception {
    if (!uncertain.contains(etcdKey)) {
      return;
    }
    var l = client.getKVClient().get(bs(ledgerPrefix + etcdKey)).get(timeoutMs, TimeUnit.MILLISECONDS).getKvs();
    var old = client.getKVClient().get(bs(legacyPrefix + etcdKey)).get(timeoutMs, TimeUnit.MILLISECONDS).getKvs();
    var i = client.getKVClient().get(bs(intentPrefix + etcdKey)).get(timeoutMs, TimeUnit.MILLISECONDS).getKvs();
    if (old.isEmpty()) {
      legacy.remove(etcdKey);
    } else {
      legacy.add(etcdKey);
    }
    if (!l.isEmpty()) {
      cache.put(etcdKey, decode(l.get(0).getValue().getBytes(), l.get(0).getModRevision()));
    } else if (!old.isEmpty()) {
      cache.put(etcdKey, new Base(old.get(0).getValue().getBytes(), Base.UNKNOWN, Base.UNKNOWN));
    } else {
      cache.remove(etcdKey);
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
    return run(etcdKey, cmps, ops, bytes, null);
  }

  private Result run(String etcdKey, List<Cmp> cmps, List<Op> ops, int bytes, java.util.concurrent.atomic.AtomicLong revision) throws Exception {
    CompletableFuture<Result> done = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicLong rev = revision == null ? new java.util.concurrent.atomic.AtomicLong() : revision;
    batches.submit(new Batches.Pending(etcdKey, cmps, ops, bytes, done, rev));
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

  /** Sets ({@code entry != null}) or removes the ledger entry and clears the intent; fenced on leadership. */
  public Result commit(String etcdKey, Base entry) throws Exception {
    Result r = run(etcdKey, List.of(), record(etcdKey, entry, false), entry == null ? 0 : entry.value().length + 17);
    if (r == Result.OK) {
      recorded(etcdKey, entry);
    }
    return r;
  }

  /**
   * {@link #commit}, only if the etcd key is still at {@code etcdModRevision} ({@code -1}: absent):
   * an agreement is recorded only while etcd still holds the write the merge read, so (ZooKeeper
   * read again after etcd) both stores held the agreed writes at one instant — two reads of
   * different stores made at once may otherwise pair an etcd write with a ZooKeeper write that was
   * never there at the same time.
   */
  public Result commitIf(String etcdKey, Base entry, long etcdModRevision) throws Exception {
    ByteSequence k = bs(etcdKey);
    Cmp unchanged = etcdModRevision < 0
        ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
        : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(etcdModRevision));
    Result r = run(etcdKey, List.of(unchanged), record(etcdKey, entry, false), entry == null ? 0 : entry.value().length + 17);
    if (r == Result.OK) {
      recorded(etcdKey, entry);
    }
    return r;
  }

  /**
   * Writes {@code value} (null: delete) to the etcd key if its mod_revision is still {@code
   * expectedModRevision} ({@code -1}: absent) and records the ledger entry — {@code value} at the
   * revision this transaction produces, ZooKeeper at {@code zkRevision} — in the same transaction,
   * fenced on leadership. Deleting ({@code value == null}) removes the entry.
   */
  public Result writeEtcd(String etcdKey, byte[] value, long expectedModRevision, long zkRevision) throws Exception {
    ByteSequence k = bs(etcdKey);
    Cmp version = expectedModRevision < 0
        ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
        : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
    Base entry = value == null ? null : new Base(value, SAME_REVISION, zkRevision);
    List<Op> ops = new ArrayList<>();
    ops.add(value == null ? Op.delete(k, DeleteOption.DEFAULT) : Op.put(k, ByteSequence.from(value), PutOption.DEFAULT));
    ops.addAll(record(etcdKey, entry, true));
    java.util.concurrent.atomic.AtomicLong revision = new java.util.concurrent.atomic.AtomicLong();
    Result r = run(etcdKey, List.of(version), ops, 2 * size(value) + 17, revision);
    if (r == Result.OK) {
      recorded(etcdKey, entry == null ? null : new Base(value, revision.get(), zkRevision));
    }
    return r;
  }

  /**
   * Records the intent of a ZooKeeper write before it is made, if the etcd key is still at {@code
   * etcdModRevision} ({@code -1}: absent) — the value the merge decided from; fenced on leadership.
   * {@link Result#VERSION_CHANGED} when etcd changed since the merge read it: copying the value
   * read would put an outdated value into ZooKeeper and record an agreement that never existed.
   */
  public Result intend(String etcdKey, Intent intent, long etcdModRevision) throws Exception {
    byte[] encoded = intent.encode();
    ByteSequence k = bs(etcdKey);
    Cmp unchanged = etcdModRevision < 0
        ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
        : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(etcdModRevision));
    Result r = run(etcdKey, List.of(unchanged), List.of(Op.put(bs(intentPrefix + etcdKey), ByteSequence.from(encoded), PutOption.DEFAULT)), encoded.length);
    if (r == Result.OK) {
      intents.put(etcdKey, intent);
    }
    return r;
  }

  /**
   * Removes the key's intent: its ZooKeeper write is known not to have happened (its condition
   * failed). Fenced on leadership; the ledger entry is left as it is.
   */
  public Result withdraw(String etcdKey) throws Exception {
    Result r = run(etcdKey, List.of(), List.of(Op.delete(bs(intentPrefix + etcdKey), DeleteOption.DEFAULT)), 0);
    if (r == Result.OK) {
      intents.remove(etcdKey);
    }
    return r;
  }

  /** Makes the next merge of the key re-read its ledger entry and intent from etcd (a write's outcome is not known). */
  public void markUncertain(String etcdKey) {
    uncertain.add(etcdKey);
  }
}
