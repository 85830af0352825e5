package dev.switchboard.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** etcd's JSON gateway ({@code /v3/kv/*}) through the JDK HTTP client: checks the kit without a client library. */
final class EtcdHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]*)\"");

    private EtcdHttp() {
    }

    static void put(String endpoint, String key, String value) throws IOException, InterruptedException {
        String body = "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}";
        HttpResponse<String> response = post(endpoint + "/v3/kv/put", body);
        if (response.statusCode() != 200) {
            throw new IOException("put " + key + " -> HTTP " + response.statusCode() + ": " + response.body());
        }
    }

    /** The value of {@code key}, or null when absent. */
    static String get(String endpoint, String key) throws IOException, InterruptedException {
        HttpResponse<String> response = post(endpoint + "/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}");
        if (response.statusCode() != 200) {
            throw new IOException("range " + key + " -> HTTP " + response.statusCode() + ": " + response.body());
        }
        Matcher m = VALUE.matcher(response.body());
        return m.find() ? new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8) : null;
    }

    private static HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
