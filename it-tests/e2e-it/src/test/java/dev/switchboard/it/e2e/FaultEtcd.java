package dev.switchboard.it.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.nio.charset.StandardCharsets;

/**
 * etcd administration the fault tests need and the store adapter does not offer: which member leads
 * (Maintenance/Status), the current revision and a physical compaction. Uses etcd's JSON gateway
 * ({@code POST /v3/...}) so a frozen or dead member costs one short HTTP timeout, not a gRPC reconnect loop.
 */
final class FaultEtcd {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private FaultEtcd() {}

  /** Status of one member: its own id and the leader it believes in; empty when it does not answer. */
  record Status(String endpoint, String memberId, String leaderId, long revision) {
    boolean leads() {
      return memberId.equals(leaderId);
    }
  }

  static java.util.Optional<Status> status(String endpoint) {
    try {
      JsonNode n = post(endpoint, "/v3/maintenance/status", "{}", Duration.ofSeconds(2));
      String member = n.path("header").path("member_id").asText("");
      String leader = n.path("leader").asText("");
      if (member.isEmpty() || leader.isEmpty() || leader.equals("0")) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(new Status(endpoint, member, leader, n.path("header").path("revision").asLong()));
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * Index (in {@code endpoints}) of the member that leads, as agreed by a majority of the members that answer;
   * -1 when there is no agreed leader right now (election running, quorum lost).
   */
  static int leaderIndex(List<String> endpoints) {
    List<Status> answers = new ArrayList<>();
    for (String e : endpoints) {
      status(e).ifPresent(answers::add);
    }
    for (int i = 0; i < endpoints.size(); i++) {
      final int index = i;
      java.util.Optional<Status> self = answers.stream().filter(s -> s.endpoint().equals(endpoints.get(index))).findFirst();
      if (self.isEmpty() || !self.get().leads()) {
        continue;
      }
      long agree = answers.stream().filter(s -> s.leaderId().equals(self.get().memberId())).count();
      if (agree * 2 > endpoints.size()) {
        return i;
      }
    }
    return -1;
  }

  /** Index of a member that answers and does not lead; -1 when none. */
  static int followerIndex(List<String> endpoints) {
    int leader = leaderIndex(endpoints);
    if (leader < 0) {
      return -1;
    }
    for (int i = 0; i < endpoints.size(); i++) {
      if (i != leader && status(endpoints.get(i)).isPresent()) {
        return i;
      }
    }
    return -1;
  }

  /** The cluster's current revision, read through {@code endpoint}. */
  static long revision(String endpoint) throws IOException {
    String key = Base64.getEncoder().encodeToString("/".getBytes(StandardCharsets.UTF_8));
    JsonNode n = post(endpoint, "/v3/kv/range", "{\"key\":\"" + key + "\"}", Duration.ofSeconds(10));
    long rev = n.path("header").path("revision").asLong(-1);
    if (rev <= 0) {
      throw new IOException("no revision in the range answer of " + endpoint + ": " + n);
    }
    return rev;
  }

  /** Compacts the whole history up to the current revision (physically); returns that revision. */
  static long compact(String endpoint) throws IOException {
    long rev = revision(endpoint);
    JsonNode n = post(endpoint, "/v3/kv/compaction", "{\"revision\":\"" + rev + "\",\"physical\":true}", Duration.ofSeconds(15));
    if (n.has("error") || n.has("code")) {
      throw new IOException("compaction at " + rev + " through " + endpoint + " failed: " + n);
    }
    return rev;
  }

  private static JsonNode post(String endpoint, String path, String body, Duration timeout) throws IOException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(timeout)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
      JsonNode n = JSON.readTree(r.body());
      if (r.statusCode() != 200) {
        throw new IOException(endpoint + path + " answered " + r.statusCode() + ": " + r.body());
      }
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
