package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kit's 3-member etcd cluster: quorum survives one member; a restarted member catches up on its ports. */
class EtcdClusterOfThreeIT {

    @RegisterExtension
    static final EtcdCluster etcd = EtcdCluster.members(3);

    @Test
    void clusterServesWhileOneMemberIsDownAndTheMemberCatchesUpAfterRestart() throws Exception {
        assertThat(etcd.size()).isEqualTo(3);
        List<String> endpoints = etcd.endpointList();
        assertThat(endpoints).hasSize(3).doesNotHaveDuplicates();
        assertThat(etcd.endpoints()).isEqualTo(String.join(",", endpoints));

        etcd.member(0).kill();
        // if member 1 was the leader, the others elect a new one first: retry the (idempotent) put until then
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                EtcdHttp.put(etcd.member(1).endpoint(), "kit/quorum", "written-while-member-1-down"));

        etcd.member(0).start();
        assertThat(etcd.endpointList()).isEqualTo(endpoints);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(EtcdHttp.get(etcd.member(0).endpoint(), "kit/quorum")).isEqualTo("written-while-member-1-down"));
    }

    @Test
    void membersStoppedTogetherComeBackTogether() throws Exception {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                EtcdHttp.put(etcd.member(2).endpoint(), "kit/all", "v"));
        for (int i = 0; i < 3; i++) {
            etcd.member(i).stop();
        }
        // one member alone has no quorum: start them together
        CompletableFuture.allOf(etcd.member(0).startAsync(), etcd.member(1).startAsync(), etcd.member(2).startAsync())
                .get();
        for (int i = 0; i < 3; i++) {
            assertThat(etcd.member(i).state()).isEqualTo(NodeState.RUNNING);
            assertThat(EtcdHttp.get(etcd.member(i).endpoint(), "kit/all")).isEqualTo("v");
        }
    }
}
