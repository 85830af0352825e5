package dev.switchboard.it.agent;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Administrative etcd operations the store adapter does not offer (compaction). */
final class EtcdAdmin {
  private EtcdAdmin() {}

  /** Compacts the whole history up to the current revision; returns that revision. */
  static long compact(String endpoints) throws Exception {
    try (Client c = Client.builder().endpoints(endpoints.split(",")).build()) {
      long rev = c.getKVClient().get(ByteSequence.from("/", StandardCharsets.UTF_8)).get(15, TimeUnit.SECONDS).getHeader().getRevision();
      c.getKVClient().compact(rev).get(15, TimeUnit.SECONDS);
      return rev;
    }
  }
}
