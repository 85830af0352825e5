package dev.switchboard.testkit.internal;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.switchboard.testkit.TestkitException;
import dev.switchboard.testkit.TestkitException.Code;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.testcontainers.DockerClientFactory;

/** Fails fast, with a message naming the way out, when docker mode cannot work. */
public final class DockerCheck {

    private static final Set<String> CHECKED_IMAGES = ConcurrentHashMap.newKeySet();
    private static volatile boolean dockerChecked;

    private DockerCheck() {
    }

    public static void requireImage(String image, String envVariable, String publicAlternative) {
        requireDocker();
        if (CHECKED_IMAGES.contains(image)) {
            return;
        }
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            CHECKED_IMAGES.add(image);
        } catch (NotFoundException e) {
            if (image.startsWith("switchboard-local/")) {
                throw new TestkitException(Code.IMAGE_MISSING, "image " + image + " is not present; build the local images"
                        + " with ./scripts/images.sh (./scripts/test.sh does it), or use a public image where a registry"
                        + " is reachable: " + envVariable + "=" + publicAlternative);
            }
            CHECKED_IMAGES.add(image); // Testcontainers pulls it
        }
    }

    public static void requireDocker() {
        if (dockerChecked) {
            return;
        }
        boolean available;
        Throwable cause = null;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | Error e) {
            available = false;
            cause = e;
        }
        if (!available) {
            String message = "no Docker engine answers, and the test kit runs etcd/ZooKeeper in containers by default."
                    + " Start one (./scripts/test.sh starts dockerd and sets DOCKER_API_VERSION=1.41"
                    + " TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 TESTCONTAINERS_RYUK_DISABLED=true), or select local"
                    + " processes with -Dswitchboard.testkit=local or SWITCHBOARD_TESTKIT=local"
                    + " (needs the etcd binary: apt-get install etcd-server)";
            throw cause == null ? new TestkitException(Code.NO_DOCKER, message)
                    : new TestkitException(Code.NO_DOCKER, message, cause);
        }
        dockerChecked = true;
    }
}
