package dev.switchboard.bridge.ledger;

import dev.switchboard.bridge.leader.EtcdLeader;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The last-synced value of every bridged key: what etcd and ZooKeeper both held the last time the
 * bridge saw them equal. Stored in etcd under {@code <root>/bridge/ledger/<etcd key>} (a prefix that
 * is never bridged) so it survives restarts and is shared by standby bridges; cached in memory by
 * the leader (loaded when it is elected). Every write is an etcd transaction fenced on the leader's
 * term: a deposed leader cannot change it.
 */
public final class Ledger {
  private final Client client;
  private final String prefix;
  private final EtcdLeader leader;
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
  private final long timeoutMs;

  public Ledger(Client client, String prefix, EtcdLeader leader, long timeoutMs) {
    this.client = client;
    this.prefix = prefix;
    this.leader = leader;
    this.timeoutMs = timeoutMs;
  }

  private ByteSequence key(String etcdKey) {
    return ByteSequence.from(prefix + etcdKey, StandardCharsets.UTF_8);
  }

  /** Reads the whole ledger from etcd into memory. */
  public void load() throws Exception {
    var r =
        client
            .getKVClient()
            .get(ByteSequence.from(prefix + "/", StandardCharsets.UTF_8), GetOption.builder().isPrefix(true).build())
            .get(timeoutMs * 4, TimeUnit.MILLISECONDS);
    cache.clear();
    for (KeyValue kv : r.getKvs()) {
      cache.put(kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length()), kv.getValue().getBytes());
    }
  }

  public byte[] get(String etcdKey) {
    return cache.get(etcdKey);
  }

  public Set<String> keys() {
    return Set.copyOf(cache.keySet());
  }

  public int size() {
    return cache.size();
  }

  /**
   * Sets ({@code value != null}) or removes an entry, fenced on leadership.
   *
   * @return false when this process is no longer the leader (nothing written)
   */
  public boolean set(String etcdKey, byte[] value) throws Exception {
    Op op =
        value == null
            ? Op.delete(key(etcdKey), DeleteOption.DEFAULT)
            : Op.put(key(etcdKey), ByteSequence.from(value), PutOption.DEFAULT);
    boolean ok = client.getKVClient().txn().If(leader.fence()).Then(op).commit().get(timeoutMs, TimeUnit.MILLISECONDS).isSucceeded();
    if (ok) {
      if (value == null) {
        cache.remove(etcdKey);
      } else {
        cache.put(etcdKey, value.clone());
      }
    }
    return ok;
  }
}
