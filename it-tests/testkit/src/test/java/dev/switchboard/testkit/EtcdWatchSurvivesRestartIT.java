package dev.switchboard.testkit;

import io.etcd.jetcd.Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A jetcd watch open across an etcd restart resumes from its last revision: events written before the stop and
 * right after the restart (before the watch has reconnected) all arrive, once each, in order.
 */
class EtcdWatchSurvivesRestartIT {

    @RegisterExtension
    static final EtcdCluster etcd = EtcdCluster.single();

    @Test
    void watchResumesAfterAGracefulRestartWithoutLosingAnEvent() {
        runAcross("/restart-stop/", etcd.member(0)::stop);
    }

    @Test
    void watchResumesAfterAKillAndRestartWithoutLosingAnEvent() {
        runAcross("/restart-kill/", etcd.member(0)::kill);
    }

    private static void runAcross(String prefix, Runnable takeDown) {
        try (Client client = Client.builder().endpoints(etcd.endpoints().split(",")).build();
             EtcdWatchFeed feed = new EtcdWatchFeed(client, prefix)) {
            for (int n = 1; n <= 5; n++) {
                EtcdWatchFeed.createOnce(client, prefix, n);
            }
            feed.awaitCount(5);

            takeDown.run();
            etcd.member(0).start(); // same port, same data
            for (int n = 6; n <= 10; n++) {
                EtcdWatchFeed.createOnce(client, prefix, n);
            }
            feed.awaitCount(10);

            feed.assertExactlyOnceInOrder(10);
            feed.assertOnlyTransientErrors();
        }
    }
}
