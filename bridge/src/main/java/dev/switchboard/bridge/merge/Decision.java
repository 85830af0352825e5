package dev.switchboard.bridge.merge;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What the three-way merge decided for one key.
 *
 * @param target the store to write, or null when no store write is needed
 * @param value the value to write to {@code target} ({@code null}: delete it there)
 * @param ledger the value both stores hold once the write (if any) is done: the new ledger entry
 *     ({@code null}: no ledger entry)
 * @param ledgerChanged whether the ledger must be written
 * @param conflict both stores changed since the ledger; {@code target} is the loser
 * @param why the table's row, for logs
 * @param waitFor when not null: nothing is decided yet — the merge read a write of this store that
 *     this process's watch has not delivered yet; the key is merged again once it has
 */
public record Decision(Side target, byte[] value, byte[] ledger, boolean ledgerChanged, boolean conflict, String why, Side waitFor) {
  public Decision(Side target, byte[] value, byte[] ledger, boolean ledgerChanged, boolean conflict, String why) {
    this(target, value, ledger, ledgerChanged, conflict, why, null);
  }

  public Decision(Side target, byte[] value, byte[] ledger, boolean ledgerChanged, boolean conflict) {
    this(target, value, ledger, ledgerChanged, conflict, "");
  }

  /** Nothing decided: the write of {@code side} the merge read is still on its way through this process's watch. */
  public static Decision waitFor(Side side, String why) {
    return new Decision(null, null, null, false, false, why, side);
  }

  public boolean waits() {
    return waitFor != null;
  }

  public boolean writesStore() {
    return target != null;
  }

  public static String show(byte[] v) {
    return v == null ? "<absent>" : '"' + new String(v, StandardCharsets.UTF_8) + '"';
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Decision d
        && d.target == target
        && Arrays.equals(d.value, value)
        && Arrays.equals(d.ledger, ledger)
        && d.ledgerChanged == ledgerChanged
        && d.conflict == conflict
        && d.waitFor == waitFor;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value) * 31 + Arrays.hashCode(ledger) + (target == null ? 0 : target.hashCode());
  }

  @Override
  public String toString() {
    return "Decision{"
        + (waitFor != null ? "wait for " + waitFor.label() + "'s watch" : target == null ? "no store write" : "write " + target.label() + " := " + show(value))
        + ", ledger " + (ledgerChanged ? ":= " + show(ledger) : "unchanged")
        + (conflict ? ", CONFLICT" : "")
        + (why.isEmpty() ? "" : " (" + why + ")")
        + "}";
  }
}
