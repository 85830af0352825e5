package dev.switchboard.control.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AttachListenerStartTest {
  @Test
  void readsTheSigquitDispositionFromProcStatus() {
    // a JVM: SIGQUIT (bit 2) caught, not ignored
    var jvm = AttachListenerStart.Signals.parse(List.of("Name:\tjava", "SigBlk:\t0000000000000000",
        "SigIgn:\t0000000000001000", "SigCgt:\t2000000181005ccf"));
    assertThat(jvm.catchesQuit()).isTrue();
    // sleep(1): nothing caught
    var sleeper = AttachListenerStart.Signals.parse(List.of("SigIgn:\t0000000000000000", "SigCgt:\t0000000000000000"));
    assertThat(sleeper.catchesQuit()).isFalse();
    // caught but also ignored (started with SIGQUIT ignored, e.g. nohup-like launchers): not signalled
    var ignored = AttachListenerStart.Signals.parse(List.of("SigIgn:\t0000000000000004", "SigCgt:\t0000000000000004"));
    assertThat(ignored.catchesQuit()).isFalse();
  }

  @Test
  void aStatusWithoutSignalLinesIsRejected() {
    assertThatThrownBy(() -> AttachListenerStart.Signals.parse(List.of("Name:\tjava")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SigIgn");
  }

  @Test
  void usesTheInnermostNamespacePid() {
    assertThat(AttachListenerStart.namespacePid(List.of("Pid:\t4242", "NSpid:\t4242\t7"), 4242)).isEqualTo(7);
    assertThat(AttachListenerStart.namespacePid(List.of("NSpid:\t4242"), 4242)).isEqualTo(4242);
    assertThat(AttachListenerStart.namespacePid(List.of("Pid:\t4242"), 4242)).as("old kernel").isEqualTo(4242);
  }
}
