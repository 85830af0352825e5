package dev.switchboard.bridge.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.bridge.merge.Base;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The stored formats of ledger entries and intents, the earlier ones included. */
class LedgerFormatTest {
  private static byte[] v(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anEntryRoundTripsWithItsRevisions() {
    Base b = new Base(v("{\"v\":1}"), 41, 77);
    assertThat(Ledger.decode(Ledger.encode(b, false), 999)).isEqualTo(b);
  }

  @Test
  void anEntryWrittenWithItsEtcdWriteTakesItsOwnModRevision() {
    Base b = new Base(v("true"), 1, 77);
    assertThat(Ledger.decode(Ledger.encode(b, true), 123)).isEqualTo(new Base(v("true"), 123, 77));
  }

  @Test
  void anEntryOfAnUnknownFormatIsRefusedWithItsReason() {
    assertThatThrownBy(() -> Ledger.decode(v("true"), 5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown format");
  }

  @Test
  void anIntentOfTheEarlierFormatStillDecodesAndComparesZnodeVersions() {
    byte[] old = ByteBuffer.allocate(9 + 2).putLong(3).put((byte) 1).put(v("v2")).array();
    Ledger.Intent i = Ledger.Intent.decode(old);
    assertThat(i.value()).isEqualTo(v("v2"));
    assertThat(i.byRevision()).isFalse();
    assertThat(i.etcdRevision()).isEqualTo(Base.UNKNOWN);
    assertThat(i.happened(3, 500)).isFalse();
    assertThat(i.happened(4, 500)).isTrue();
    byte[] oldDelete = ByteBuffer.allocate(9).putLong(3).put((byte) 0).array();
    assertThat(Ledger.Intent.decode(oldDelete).value()).isNull();
  }

  @Test
  void anIntentRecordsZooKeepersMzxidAndEtcdsRevisionSoARecreatedZnodeIsNoticed() {
    Ledger.Intent i = new Ledger.Intent(v("x"), 500, true, 42);
    Ledger.Intent back = Ledger.Intent.decode(i.encode());
    assertThat(back.value()).isEqualTo(v("x"));
    assertThat(back.zkBefore()).isEqualTo(500);
    assertThat(back.etcdRevision()).isEqualTo(42);
    assertThat(back.happened(0, 500)).isFalse();
    assertThat(back.happened(0, 501)).as("same Stat.version 0, new mzxid").isTrue();
    Ledger.Intent delete = Ledger.Intent.decode(new Ledger.Intent(null, 500, true, 42).encode());
    assertThat(delete.value()).isNull();
    assertThat(delete.byRevision()).isTrue();
  }
}
