package dev.switchboard.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Destroys every backend still alive when the JVM exits, so no etcd/ZooKeeper outlives a test run. */
final class Reaper {

    private static final Set<Backend> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::reapAll, "testkit-reaper"));
    }

    private Reaper() {
    }

    static void register(Backend backend) {
        LIVE.add(backend);
    }

    static void unregister(Backend backend) {
        LIVE.remove(backend);
    }

    private static void reapAll() {
        for (Backend backend : new ArrayList<>(LIVE)) {
            try {
                backend.destroy();
            } catch (RuntimeException e) {
                System.err.println("testkit: cleanup of " + backend.describe() + " failed: " + e);
            }
        }
    }

    static List<String> describeLive() {
        List<String> out = new ArrayList<>();
        LIVE.forEach(b -> out.add(b.describe()));
        return out;
    }
}
