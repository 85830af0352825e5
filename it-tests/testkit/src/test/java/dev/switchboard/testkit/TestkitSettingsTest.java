package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Settings: system property over environment over default; bad values named. */
class TestkitSettingsTest {

    @AfterEach
    void clear() {
        System.clearProperty("switchboard.testkit");
        System.clearProperty("switchboard.testkit.startTimeoutSeconds");
        System.clearProperty("switchboard.testkit.etcdImage");
    }

    @Test
    void modeFollowsTheSystemPropertyInAnyCase() {
        System.setProperty("switchboard.testkit", " LOCAL ");
        assertThat(TestkitSettings.mode()).isEqualTo(TestkitSettings.Mode.LOCAL);
        System.setProperty("switchboard.testkit", "docker");
        assertThat(TestkitSettings.mode()).isEqualTo(TestkitSettings.Mode.DOCKER);
    }

    @Test
    void unknownModeIsRefusedNamingTheSwitch() {
        System.setProperty("switchboard.testkit", "podman");
        assertThatThrownBy(TestkitSettings::mode).isInstanceOf(TestkitException.class)
                .hasMessageContaining("SWITCHBOARD_TESTKIT").hasMessageContaining("'podman'")
                .satisfies(e -> assertThat(((TestkitException) e).code()).isEqualTo(TestkitException.Code.BAD_SETTING));
    }

    @Test
    void imageAndTimeoutCanBeOverridden() {
        System.setProperty("switchboard.testkit.etcdImage", "quay.io/coreos/etcd:v3.5.17");
        System.setProperty("switchboard.testkit.startTimeoutSeconds", "12");
        assertThat(TestkitSettings.etcdImage()).isEqualTo("quay.io/coreos/etcd:v3.5.17");
        assertThat(TestkitSettings.startTimeout()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void nonPositiveTimeoutIsRefused() {
        System.setProperty("switchboard.testkit.startTimeoutSeconds", "0");
        assertThatThrownBy(TestkitSettings::startTimeout).isInstanceOf(TestkitException.class)
                .hasMessageContaining("startTimeoutSeconds").hasMessageContaining("'0'");
    }
}
