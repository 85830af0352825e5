package dev.switchboard.sidecar.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.Refusal;
import dev.switchboard.sidecar.artifact.ArtifactException;
import dev.switchboard.sidecar.reconcile.Reconciler.Op;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The table in {@link Outcome}'s Javadoc, row by row. */
class OutcomeTest {
  private static PluginStatus answer(PluginState state, String error) {
    return new PluginStatus("p", state, "1.0.0", "a".repeat(64), "2026-12-03T00:00:00Z", error, null, List.of());
  }

  @Test
  void theStateAskedForIsSuccess() {
    assertTrue(Outcome.of(Op.ACTIVATE, answer(PluginState.ACTIVE, null), null).ok());
    assertTrue(Outcome.of(Op.DEACTIVATE, answer(PluginState.INACTIVE, null), null).ok());
    assertTrue(Outcome.describesState(Op.ACTIVATE, answer(PluginState.ACTIVE, null), null));
  }

  @Test
  void anotherStateIsAFailureNamedAfterThatState() {
    Outcome o = Outcome.of(Op.ACTIVATE, answer(PluginState.FAILED, "boom"), null);
    assertEquals("runtime_failed", o.reason());
    assertEquals("activation ended FAILED: boom", o.error());
    assertFalse(o.refused());
    assertFalse(o.previousServing());
    assertEquals("deactivation ended ACTIVE", Outcome.of(Op.DEACTIVATE, answer(PluginState.ACTIVE, null), null).error());
  }

  @Test
  void aPermanentRefusalIsNotRetried() {
    Outcome o = Outcome.of(Op.ACTIVATE, answer(PluginState.FAILED, "bad config").withRefusal(new Refusal(true, false)), null);
    assertEquals("runtime_refused", o.reason());
    assertTrue(o.refused());
    assertFalse(o.previousServing());
  }

  @Test
  void aRefusalWhileThePreviousInstanceServesKeepsItsStateAndReportsTheRefusal() {
    PluginStatus st = answer(PluginState.ACTIVE, "bad config").withRefusal(new Refusal(false, true));
    Outcome o = Outcome.of(Op.ACTIVATE, st, null);
    assertEquals("runtime_failed", o.reason());
    assertEquals("activation refused: bad config", o.error());
    assertFalse(o.refused());
    assertTrue(o.previousServing());
    assertFalse(Outcome.describesState(Op.ACTIVATE, st, null));
    assertTrue(Outcome.of(Op.ACTIVATE, answer(PluginState.ACTIVE, "x").withRefusal(new Refusal(true, true)), null).refused());
  }

  @Test
  void aDeactivationIgnoresRefusals() {
    PluginStatus st = answer(PluginState.INACTIVE, null).withRefusal(new Refusal(true, true));
    assertTrue(Outcome.of(Op.DEACTIVATE, st, null).ok());
    assertTrue(Outcome.describesState(Op.DEACTIVATE, st, null));
  }

  @Test
  void aFailedCallIsNamedAfterItsCodeAndOnlyASignatureVerdictIsFinal() {
    Outcome fetch = Outcome.of(Op.ACTIVATE, null,
        new CompletionException(new ArtifactException(ArtifactException.Code.IO, "disk full")));
    assertEquals("fetch_io", fetch.reason());
    assertFalse(fetch.refused());
    Outcome unsigned = Outcome.of(Op.ACTIVATE, null, new ArtifactException(ArtifactException.Code.SIGNATURE_MISSING, "unsigned"));
    assertEquals("fetch_signature_missing", unsigned.reason());
    assertTrue(unsigned.refused());
    Outcome control = Outcome.of(Op.DEACTIVATE, null, new ControlException(ControlException.Code.NO_SUCH_PROCESS, "gone"));
    assertEquals("control_no_such_process", control.reason());
    assertFalse(Outcome.describesState(Op.DEACTIVATE, null, new IllegalStateException("x")));
    assertEquals("error", Outcome.of(Op.ACTIVATE, null, new IllegalStateException("x")).reason());
    assertNull(Outcome.SUCCESS.reason());
  }
}
