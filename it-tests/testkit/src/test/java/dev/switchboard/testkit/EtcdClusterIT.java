package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testkit.internal.Probes;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kit's etcd single member: kill, stop, pause and restart on the same port with the same data. */
class EtcdClusterIT {

    @RegisterExtension
    static final EtcdCluster etcd = EtcdCluster.single();

    @Test
    void killedMemberRestartsOnTheSamePortWithItsData() throws Exception {
        EtcdCluster.Member member = etcd.member(0);
        String endpoint = member.endpoint();
        assertThat(etcd.endpoints()).isEqualTo(endpoint).startsWith("http://127.0.0.1:");
        EtcdHttp.put(endpoint, "kit/kill", "before");

        member.kill();
        assertThat(member.state()).isEqualTo(NodeState.KILLED);
        assertThatThrownBy(() -> EtcdHttp.get(endpoint, "kit/kill")).isInstanceOf(IOException.class);

        member.start();
        assertThat(member.state()).isEqualTo(NodeState.RUNNING);
        assertThat(member.endpoint()).isEqualTo(endpoint);
        assertThat(EtcdHttp.get(endpoint, "kit/kill")).isEqualTo("before");
    }

    @Test
    void stoppedMemberRestartsWithItsData() throws Exception {
        EtcdCluster.Member member = etcd.member(0);
        EtcdHttp.put(member.endpoint(), "kit/stop", "kept");

        member.stop();
        assertThat(member.state()).isEqualTo(NodeState.STOPPED);
        assertThat(Probes.etcdHealthy(member.endpoint())).isFalse();
        assertThatThrownBy(member::stop).isInstanceOf(TestkitException.class).hasMessageContaining("cannot stop");

        member.start();
        assertThat(EtcdHttp.get(member.endpoint(), "kit/stop")).isEqualTo("kept");
    }

    @Test
    void pausedMemberAnswersNothingUntilUnpaused() throws Exception {
        EtcdCluster.Member member = etcd.member(0);
        EtcdHttp.put(member.endpoint(), "kit/pause", "v");

        member.pause();
        assertThat(member.state()).isEqualTo(NodeState.PAUSED);
        assertThatThrownBy(() -> EtcdHttp.get(member.endpoint(), "kit/pause")).isInstanceOf(IOException.class);

        member.unpause();
        await().atMost(Duration.ofSeconds(30)).until(() -> Probes.etcdHealthy(member.endpoint()));
        assertThat(EtcdHttp.get(member.endpoint(), "kit/pause")).isEqualTo("v");
    }

    @Test
    void pausedMemberCanBeKilledAndRestarted() throws Exception {
        EtcdCluster.Member member = etcd.member(0);
        EtcdHttp.put(member.endpoint(), "kit/pause-kill", "v");
        member.pause();
        member.kill();
        assertThat(member.state()).isEqualTo(NodeState.KILLED);
        assertThatThrownBy(member::unpause).isInstanceOf(TestkitException.class).hasMessageContaining("cannot unpause");
        member.start();
        assertThat(EtcdHttp.get(member.endpoint(), "kit/pause-kill")).isEqualTo("v");
    }

    @Test
    void memberLeftPausedByATestIsHealedBeforeTheNext() throws Exception {
        // whichever test ran before, the extension brought the member back
        assertThat(etcd.member(0).state()).isEqualTo(NodeState.RUNNING);
        assertThat(Probes.etcdHealthy(etcd.member(0).endpoint())).isTrue();
        etcd.member(0).pause(); // left paused on purpose; the next test (or close) must cope
    }
}
