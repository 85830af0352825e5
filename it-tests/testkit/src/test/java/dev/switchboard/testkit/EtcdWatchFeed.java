package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Test helper: a prefix watch that records every event, and idempotent numbered writes under the prefix. */
final class EtcdWatchFeed implements AutoCloseable {

    /** One observed event: key and mod revision. */
    record Seen(String key, long revision) {
    }

    private final String prefix;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final Watch.Watcher watcher;

    EtcdWatchFeed(Client watching, String prefix) {
        this.prefix = prefix;
        ByteSequence p = bytes(prefix);
        this.watcher = watching.getWatchClient().watch(p, WatchOption.builder().isPrefix(true).build(),
                Watch.listener(response -> {
                    for (WatchEvent event : response.getEvents()) {
                        seen.add(new Seen(event.getKeyValue().getKey().toString(StandardCharsets.UTF_8),
                                event.getKeyValue().getModRevision()));
                    }
                }, errors::add));
    }

    static String key(String prefix, int n) {
        return String.format("%sk%03d", prefix, n);
    }

    /**
     * Creates key number {@code n} exactly once, retrying while the cluster is unreachable (a create-if-absent
     * transaction, so a retried attempt that had in fact succeeded adds no second event).
     */
    static void createOnce(Client writer, String prefix, int n) {
        ByteSequence key = bytes(key(prefix, n));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            TxnResponse response = writer.getKVClient().txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                    .Then(Op.put(key, bytes("v" + n), PutOption.DEFAULT))
                    .commit().get(3, TimeUnit.SECONDS);
            return true;
        });
    }

    void awaitCount(int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= count);
    }

    /** Every key 1..count seen exactly once, in order, with increasing revisions. */
    void assertExactlyOnceInOrder(int count) {
        List<String> expected = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            expected.add(key(prefix, n));
        }
        List<String> keys = seen.stream().map(Seen::key).toList();
        assertThat(keys).as("watched keys").containsExactlyElementsOf(expected);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).revision()).as("revision of event %d", i).isGreaterThan(seen.get(i - 1).revision());
        }
    }

    /**
     * jetcd reports a broken stream to the listener's {@code onError} ("Network closed for unknown reason") and then
     * resumes the watch by itself; only such etcd-client errors are expected, never anything else.
     */
    void assertOnlyTransientErrors() {
        System.out.println("watch listener saw " + errors.size() + " transient error(s) while resuming: "
                + errors.stream().map(Throwable::getMessage).toList());
        assertThat(errors).allSatisfy(e -> assertThat(e).isInstanceOf(EtcdException.class));
    }

    int count() {
        return seen.size();
    }

    @Override
    public void close() {
        watcher.close();
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
