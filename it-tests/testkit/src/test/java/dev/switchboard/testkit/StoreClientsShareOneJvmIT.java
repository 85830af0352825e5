package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.netty.util.Version;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * jetcd, Curator and a Vert.x HTTP server work together in one JVM on one Netty line (the pin in the root pom):
 * an HTTP request is answered with values read through both store clients.
 */
class StoreClientsShareOneJvmIT {

    @RegisterExtension
    static final EtcdCluster etcd = EtcdCluster.single();

    @RegisterExtension
    static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.single();

    @Test
    void httpServerAnswersWithValuesReadThroughBothStoreClients() throws Exception {
        Map<String, String> netty = new TreeMap<>();
        Version.identify().forEach((artifact, version) -> netty.put(artifact, version.artifactVersion()));
        System.out.println("Netty artifacts on the class path: " + netty);
        Set<String> lines = new TreeSet<>(netty.values());
        assertThat(lines).as("Netty versions on one class path").hasSize(1);
        assertThat(lines.iterator().next()).startsWith("4.2.");

        ByteSequence key = ByteSequence.from("/jvm/etcd", StandardCharsets.UTF_8);
        Vertx vertx = Vertx.vertx();
        try (Client etcdClient = Client.builder().endpoints(etcd.endpointList().toArray(String[]::new)).build();
             CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.connectString(),
                     new ExponentialBackoffRetry(100, 5))) {
            curator.start();
            assertThat(curator.blockUntilConnected(60, TimeUnit.SECONDS)).isTrue();
            etcdClient.getKVClient().put(key, ByteSequence.from("from-etcd", StandardCharsets.UTF_8))
                    .get(10, TimeUnit.SECONDS);
            curator.create().forPath("/jvm", "from-zookeeper".getBytes(StandardCharsets.UTF_8));

            HttpServer server = vertx.createHttpServer()
                    .requestHandler(request -> vertx.executeBlocking(() -> {
                        String fromEtcd = etcdClient.getKVClient().get(key).get(10, TimeUnit.SECONDS)
                                .getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
                        String fromZk = new String(curator.getData().forPath("/jvm"), StandardCharsets.UTF_8);
                        return fromEtcd + "+" + fromZk;
                    }).onSuccess(body -> request.response().end(body))
                            .onFailure(e -> request.response().setStatusCode(500).end(String.valueOf(e))))
                    .listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("from-etcd+from-zookeeper");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
