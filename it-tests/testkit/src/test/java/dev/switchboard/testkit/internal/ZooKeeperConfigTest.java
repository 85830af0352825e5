package dev.switchboard.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The zoo.cfg the kit writes: loopback client port, 4lw probe allowed, server lines only for an ensemble. */
class ZooKeeperConfigTest {

    @Test
    void standaloneConfigHasNoServerLines() {
        String cfg = ZooKeeperNodes.zooCfg("/data", 21811, List.of());
        assertThat(cfg).contains("dataDir=/data\n", "clientPort=21811\n", "clientPortAddress=127.0.0.1\n",
                "4lw.commands.whitelist=srvr", "admin.enableServer=false\n");
        assertThat(cfg).doesNotContain("server.");
    }

    @Test
    void ensembleConfigListsEveryServer() {
        List<String> servers = List.of("server.1=127.0.0.1:1:2", "server.2=127.0.0.1:3:4", "server.3=127.0.0.1:5:6");
        String cfg = ZooKeeperNodes.zooCfg("/data", 21811, servers);
        assertThat(cfg.lines().filter(l -> l.startsWith("server."))).containsExactlyElementsOf(servers);
    }

    @Test
    void portsAreNeverHandedOutTwice() {
        int a = Ports.free();
        int b = Ports.free();
        assertThat(a).isNotEqualTo(b).isPositive();
        assertThat(b).isPositive();
    }
}
