package dev.switchboard.bridge.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The table with revisions: a store that holds another write than the ledger recorded has changed,
 * even when the value is the same again. "-" means absent; a side is written {@code value@revision}.
 */
class MergeRevisionTest {
  private static byte[] v(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code "a@5"} -> Seen(a, 5); {@code "-"} -> absent. */
  private static Seen seen(String s) {
    if (s.equals("-")) {
      return null;
    }
    String[] p = s.split("@");
    return new Seen(v(p[0]), Long.parseLong(p[1]));
  }

  /** {@code "a@5@9"} -> Base(a, etcd 5, zookeeper 9); {@code "-"} -> no entry. */
  private static Base base(String s) {
    if (s.equals("-")) {
      return null;
    }
    String[] p = s.split("@");
    return new Base(v(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]));
  }

  @ParameterizedTest(name = "E={0} Z={1} L={2} winner={3} -> write {4} := {5}, conflict {6}")
  @CsvSource({
    // E, Z, L, winner, target, value, conflict
    "V@7, -, V@5@9, etcd, zookeeper, V, true",          // deleted in both, V written again in etcd: not lost, a conflict etcd wins
    "V@7, -, V@5@9, zookeeper, etcd, -, true",          // ... ZooKeeper configured to win: the delete wins, but counted as a conflict
    "W@8, V@12, V@5@9, zookeeper, etcd, V, true",       // znode deleted and re-created with V (new mzxid) while etcd changed: ZooKeeper wins
    "W@8, V@12, V@5@9, etcd, zookeeper, W, true",
    "W@8, V@9, V@5@9, zookeeper, zookeeper, W, false",  // ZooKeeper still at the recorded write: only etcd changed, no conflict
    "V@5, -, V@5@9, etcd, etcd, -, false",              // etcd still at the recorded write: ZooKeeper's delete is copied
    "-, V@12, V@5@9, zookeeper, etcd, V, true",         // deleted in etcd, znode re-created with V: both changed
    "-, V@9, V@5@9, etcd, zookeeper, -, false",         // deleted in etcd only
  })
  void aWriteOfTheSameValueAtAnotherRevisionIsAChange(String e, String z, String l, String winner, String target, String value, boolean conflict) {
    Decision d = Merge.decide(seen(e), seen(z), base(l), Side.parse(winner));
    assertThat(d.target()).as(d.toString()).isEqualTo(Side.parse(target));
    assertThat(d.value()).as(d.toString()).isEqualTo(value.equals("-") ? null : v(value));
    assertThat(d.conflict()).as(d.toString()).isEqualTo(conflict);
  }

  @Test
  void theEchoOfTheBridgesOwnWriteWhoseRevisionTheLedgerRecordedIsNoChange() {
    // the bridge wrote ZooKeeper (mzxid 12) from etcd (revision 7) and recorded both
    Decision d = Merge.decide(seen("W@7"), seen("W@12"), base("W@7@12"), Side.ETCD);
    assertThat(d.writesStore()).isFalse();
    assertThat(d.ledgerChanged()).as("nothing to record: " + d).isFalse();
    assertThat(d.conflict()).isFalse();
  }

  @Test
  void equalValuesAtNewRevisionsAreInSyncAndOnlyTheLedgerIsUpdated() {
    // a client wrote the same value into both stores: nothing to copy, but the revisions are new
    Decision d = Merge.decide(seen("V@20"), seen("V@30"), base("V@5@9"), Side.ETCD);
    assertThat(d.writesStore()).isFalse();
    assertThat(d.conflict()).isFalse();
    assertThat(d.ledgerChanged()).as("the ledger must learn the new revisions: " + d).isTrue();
    assertThat(d.ledger()).isEqualTo(v("V"));
  }

  @Test
  void deletedAndRecreatedWithTheSameValueInOneStoreWhileTheOtherIsUnchangedIsInSync() {
    Decision d = Merge.decide(seen("V@5"), seen("V@40"), base("V@5@9"), Side.ETCD);
    assertThat(d.writesStore()).isFalse();
    assertThat(d.conflict()).isFalse();
    assertThat(d.ledgerChanged()).isTrue();
  }

  @Test
  void deletedInBothStoresDropsTheEntry() {
    Decision d = Merge.decide((Seen) null, null, base("V@5@9"), Side.ETCD);
    assertThat(d.writesStore()).isFalse();
    assertThat(d.ledger()).isNull();
    assertThat(d.ledgerChanged()).isTrue();
    assertThat(Merge.decide((Seen) null, null, null, Side.ETCD).ledgerChanged()).isFalse();
  }

  @Test
  void anEntryOfTheValueOnlyFormatComparesValuesAsBefore() {
    Base legacy = new Base(v("V"), Base.UNKNOWN, Base.UNKNOWN);
    assertThat(Base.changed(new Seen(v("V"), 7), legacy, Side.ETCD)).isFalse();
    assertThat(Base.changed(new Seen(v("W"), 7), legacy, Side.ETCD)).isTrue();
    Decision d = Merge.decide(new Seen(v("V"), 7), new Seen(v("V"), 12), legacy, Side.ETCD);
    assertThat(d.writesStore()).isFalse();
    assertThat(d.ledgerChanged()).as("recorded with revisions from now on").isTrue();
  }

  @Test
  void applyingADecisionAndRecordingTheWritesRevisionMakesTheNextMergeANoOp() {
    String[][] cases = {{"V@7", "-", "V@5@9"}, {"W@8", "V@12", "V@5@9"}, {"-", "V@12", "V@5@9"}, {"a@3", "b@4", "-"}};
    for (String[] c : cases) {
      for (Side w : Side.values()) {
        Seen e = seen(c[0]);
        Seen z = seen(c[1]);
        Decision d = Merge.decide(e, z, base(c[2]), w);
        long produced = 100; // the revision the bridge's write produced
        if (d.target() == Side.ETCD) {
          e = d.value() == null ? null : new Seen(d.value(), produced);
        } else if (d.target() == Side.ZOOKEEPER) {
          z = d.value() == null ? null : new Seen(d.value(), produced);
        }
        Base recorded = e == null ? null : new Base(e.value(), e.revision(), z.revision());
        Decision again = Merge.decide(e, z, recorded, w);
        assertThat(again.writesStore() || again.ledgerChanged()).as("echo must be a no-op: " + again).isFalse();
      }
    }
  }
}
