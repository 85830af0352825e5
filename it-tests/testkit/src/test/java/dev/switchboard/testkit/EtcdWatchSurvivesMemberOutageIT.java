package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * In a 3-member cluster, a watch bound to one member survives that member's kill and restart: events written to
 * the other members while it was down arrive after it is back, once each, in order.
 */
class EtcdWatchSurvivesMemberOutageIT {

    @RegisterExtension
    static final EtcdCluster etcd = EtcdCluster.members(3);

    @Test
    void eventsWrittenWhileTheWatchedMemberIsDownArriveOnceInOrder() {
        String prefix = "/outage/";
        try (Client watching = Client.builder().endpoints(etcd.member(0).endpoint()).build();
             Client writer = Client.builder().endpoints(etcd.member(1).endpoint(), etcd.member(2).endpoint()).build();
             EtcdWatchFeed feed = new EtcdWatchFeed(watching, prefix)) {
            for (int n = 1; n <= 5; n++) {
                EtcdWatchFeed.createOnce(writer, prefix, n);
            }
            feed.awaitCount(5);

            etcd.member(0).kill();
            for (int n = 6; n <= 10; n++) {
                EtcdWatchFeed.createOnce(writer, prefix, n); // the watched member is down
            }
            assertThat(feed.count()).isEqualTo(5);
            etcd.member(0).start();
            for (int n = 11; n <= 15; n++) {
                EtcdWatchFeed.createOnce(writer, prefix, n);
            }
            feed.awaitCount(15);

            feed.assertExactlyOnceInOrder(15);
            feed.assertOnlyTransientErrors();
        }
    }
}
