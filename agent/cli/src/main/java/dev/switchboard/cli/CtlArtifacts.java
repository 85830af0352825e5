package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.control.Sha256;
import dev.switchboard.sidecar.artifact.ArtifactException;
import dev.switchboard.sidecar.artifact.ArtifactSignatures;
import dev.switchboard.sidecar.artifact.Ed25519Keys;
import dev.switchboard.sidecar.desired.ArtifactRef;
import dev.switchboard.sidecar.desired.Values;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Builds artifact values ({@code {"url", "sha256", "version"}}, plus {@code "signature"} when a
 * signing key is given) from a local jar or a URL.
 */
final class CtlArtifacts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_DOWNLOAD = 64L * 1024 * 1024;

  private CtlArtifacts() {}

  /**
   * A local path (or {@code file:} URL) is hashed and its {@code plugin.json} read; an
   * {@code http(s):} URL is downloaded once to hash it unless {@code sha256} is given.
   */
  static ObjectNode artifact(String plugin, String jarOrUrl, String version, String sha256) {
    return artifact(plugin, jarOrUrl, version, sha256, null);
  }

  /**
   * The Ed25519 private key of {@code --sign-key}, or a usage problem naming the file
   * ({@link IllegalArgumentException}).
   */
  static PrivateKey signingKey(Path file) {
    try {
      return Ed25519Keys.readPrivate(file);
    } catch (ArtifactException e) {
      throw new IllegalArgumentException("--sign-key: " + e.detail(), e);
    }
  }

  /** As {@link #artifact(String, String, String, String)}; signs the jar's sha256 when {@code signKey} is not null. */
  static ObjectNode artifact(String plugin, String jarOrUrl, String version, String sha256, PrivateKey signKey) {
    String lower = jarOrUrl.toLowerCase(Locale.ROOT);
    Path local;
    String url;
    Path download = null;
    try {
      if (lower.startsWith("http://") || lower.startsWith("https://")) {
        url = jarOrUrl;
        if (sha256 != null && version != null) {
          ObjectNode value = value(url, sha256, version, signKey);
          Values.parseArtifact(value.toString());
          return value;
        }
        download = Files.createTempFile("switchboard-ctl-", ".jar");
        fetch(URI.create(jarOrUrl), download);
        local = download;
      } else if (lower.startsWith("file:")) {
        local = Path.of(URI.create(jarOrUrl));
        url = local.toUri().toString();
      } else if (lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
        throw new CtlStore.Failed("unsupported URL scheme (file, http, https only): " + jarOrUrl);
      } else {
        local = Path.of(jarOrUrl).toAbsolutePath().normalize();
        url = local.toUri().toString();
      }
      if (!Files.isRegularFile(local)) throw new CtlStore.Failed("no such jar: " + local);
      String actual = Sha256.of(local);
      if (sha256 != null && !sha256.equalsIgnoreCase(actual)) {
        throw new CtlStore.Failed("--sha256 " + sha256 + " does not match the jar's sha256 " + actual);
      }
      JsonNode descriptor = descriptor(local);
      if (descriptor != null && descriptor.hasNonNull("id") && !descriptor.get("id").asText().equals(plugin)) {
        throw new CtlStore.Failed("the jar's plugin.json id '" + descriptor.get("id").asText() + "' is not the plugin '" + plugin + "'");
      }
      String v = version;
      if (v == null && descriptor != null && descriptor.hasNonNull("version")) v = descriptor.get("version").asText();
      ObjectNode value = value(url, actual, v, signKey);
      Values.parseArtifact(value.toString()); // the agent's own validation
      return value;
    } catch (IOException e) {
      throw new CtlStore.Failed("cannot read " + jarOrUrl + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new CtlStore.Failed("invalid artifact " + jarOrUrl + ": " + e.getMessage());
    } finally {
      deleteDownload(download);
    }
  }

  /**
   * The {@code configSchema} of the jar an artifact value names (null when its plugin.json has none): a local
   * jar is read in place, an http(s) one downloaded once; either must have the value's sha256.
   */
  static JsonNode configSchema(ArtifactRef ref) {
    Path download = null;
    try {
      Path local;
      if (ref.url().regionMatches(true, 0, "file:", 0, 5)) {
        local = Path.of(URI.create(ref.url()));
      } else {
        download = Files.createTempFile("switchboard-ctl-", ".jar");
        fetch(URI.create(ref.url()), download);
        local = download;
      }
      if (!Files.isRegularFile(local)) throw new CtlStore.Failed("no such jar: " + local + " (artifact " + ref.url() + ")");
      String actual = Sha256.of(local);
      if (!actual.equalsIgnoreCase(ref.sha256())) {
        throw new CtlStore.Failed("the jar at " + ref.url() + " has sha256 " + actual + ", not the artifact's " + ref.sha256());
      }
      JsonNode descriptor = descriptor(local);
      return descriptor == null ? null : descriptor.get("configSchema");
    } catch (IOException e) {
      throw new CtlStore.Failed("cannot read the artifact " + ref.url() + ": " + e.getMessage());
    } finally {
      deleteDownload(download);
    }
  }

  /** Removes a temporary download (null: nothing was downloaded); a failure is said, not thrown. */
  private static void deleteDownload(Path download) {
    if (download == null) return;
    try {
      Files.deleteIfExists(download);
    } catch (IOException e) {
      System.err.println("switchboard ctl: cannot delete " + download + ": " + e.getMessage());
    }
  }

  private static ObjectNode value(String url, String sha, String version, PrivateKey signKey) {
    ObjectNode o = JSON.createObjectNode();
    o.put("url", url);
    o.put("sha256", sha.toLowerCase(Locale.ROOT));
    if (version != null) o.put("version", version);
    if (signKey != null) o.put("signature", ArtifactSignatures.sign(signKey, sha));
    return o;
  }

  /** plugin.json at the jar's root, or null when absent or unreadable (the runtime refuses such jars). */
  private static JsonNode descriptor(Path jar) {
    try (JarFile jf = new JarFile(jar.toFile())) {
      ZipEntry e = jf.getEntry("plugin.json");
      if (e == null) {
        System.err.println("switchboard ctl: warning: " + jar + " has no plugin.json");
        return null;
      }
      try (InputStream in = jf.getInputStream(e)) {
        return JSON.readTree(in);
      }
    } catch (IOException e) {
      throw new CtlStore.Failed(jar + " is not a readable jar with a plugin.json: " + e.getMessage());
    }
  }

  private static void fetch(URI uri, Path to) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
    try {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        if (r.statusCode() != 200) throw new CtlStore.Failed("HTTP " + r.statusCode() + " for " + uri);
        if (r.headers().firstValueAsLong("content-length").orElse(0) > MAX_DOWNLOAD) throw new CtlStore.Failed(uri + " is larger than 64 MiB");
        Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlStore.Failed("interrupted while fetching " + uri);
    }
  }
}
