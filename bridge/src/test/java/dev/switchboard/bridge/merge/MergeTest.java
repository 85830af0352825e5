package dev.switchboard.bridge.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The merge table of docs/bridge.md, row by row. "-" means absent. */
class MergeTest {
  private static byte[] v(String s) {
    return s == null || s.equals("-") ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "E={0} Z={1} L={2} winner={3} -> write {4} := {5}, ledger {6}, conflict {7}")
  @CsvSource({
    // E, Z, L, winner, target, value, ledger-after, conflict
    "a, a, a, etcd, none, -, a, false",        // in sync
    "a, a, -, etcd, none, -, a, false",        // in sync, ledger missing (crash between write and ledger): repair ledger
    "a, a, b, etcd, none, -, a, false",        // echo of our own write with a stale ledger
    "-, -, a, etcd, none, -, -, false",        // deleted on both sides: drop the ledger entry
    "-, -, -, etcd, none, -, -, false",        // nothing anywhere
    "a, b, a, etcd, etcd, b, b, false",        // ZooKeeper changed
    "b, a, a, etcd, zookeeper, b, b, false",   // etcd changed
    "a, -, a, etcd, etcd, -, -, false",        // deleted in ZooKeeper -> delete in etcd (not resurrected)
    "-, a, a, etcd, zookeeper, -, -, false",   // deleted in etcd -> delete in ZooKeeper
    "a, -, -, etcd, zookeeper, a, a, false",   // created in etcd
    "-, a, -, etcd, etcd, a, a, false",        // created in ZooKeeper
    "a, b, -, etcd, zookeeper, a, a, true",    // created on both sides differently: conflict, etcd wins
    "a, b, -, zookeeper, etcd, b, b, true",    // same, ZooKeeper configured to win
    "a, b, c, etcd, zookeeper, a, a, true",    // both changed
    "a, b, c, zookeeper, etcd, b, b, true",
    "-, b, c, etcd, zookeeper, -, -, true",    // deleted in etcd, changed in ZooKeeper: etcd wins -> delete
    "-, b, c, zookeeper, etcd, b, b, true",    // ... ZooKeeper wins -> re-create in etcd
  })
  void theTableDecidesEveryCase(String e, String z, String l, String winner, String target, String value, String ledger, boolean conflict) {
    Decision d = Merge.decide(v(e), v(z), v(l), Side.parse(winner));
    if (target.equals("none")) {
      assertThat(d.writesStore()).as(d.toString()).isFalse();
    } else {
      assertThat(d.target()).as(d.toString()).isEqualTo(Side.parse(target));
      assertThat(d.value()).as(d.toString()).isEqualTo(v(value));
    }
    assertThat(d.ledger()).as(d.toString()).isEqualTo(v(ledger));
    assertThat(d.ledgerChanged()).as(d.toString()).isEqualTo(!java.util.Arrays.equals(v(l), v(ledger)));
    assertThat(d.conflict()).as(d.toString()).isEqualTo(conflict);
  }

  @ParameterizedTest(name = "after applying the decision for E={0} Z={1} L={2} both stores and the ledger agree")
  @CsvSource({"a, b, c", "a, -, a", "-, a, a", "a, b, -", "-, -, a", "a, a, b", "b, a, a"})
  void applyingADecisionConvergesAndTheNextMergeIsANoOp(String e, String z, String l) {
    for (Side w : Side.values()) {
      byte[] ev = v(e);
      byte[] zv = v(z);
      Decision d = Merge.decide(ev, zv, v(l), w);
      if (d.target() == Side.ETCD) {
        ev = d.value();
      } else if (d.target() == Side.ZOOKEEPER) {
        zv = d.value();
      }
      assertThat(ev).isEqualTo(zv);
      Decision again = Merge.decide(ev, zv, d.ledger(), w);
      assertThat(again.writesStore() || again.ledgerChanged()).as("echo must be a no-op: " + again).isFalse();
    }
  }
}
