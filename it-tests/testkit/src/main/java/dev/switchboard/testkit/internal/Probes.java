package dev.switchboard.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Readiness checks that need no client library: etcd's {@code /health}, ZooKeeper's {@code srvr} command. */
public final class Probes {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private Probes() {
    }

    /** True when the etcd member at {@code endpoint} reports a healthy cluster (it has a leader). */
    public static boolean etcdHealthy(String endpoint) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True when the ZooKeeper server on {@code port} serves requests (standalone, leader or follower). */
    public static boolean zooKeeperServing(int port) {
        String answer = fourLetterWord(port, "srvr");
        return answer != null && answer.contains("Mode: ");
    }

    /** Sends a ZooKeeper four-letter command; null when the server does not answer. */
    public static String fourLetterWord(int port, String command) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(command.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                buffer.write(chunk, 0, n);
            }
            return buffer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
