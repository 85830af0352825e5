package dev.switchboard.sidecar.desired;

import dev.switchboard.control.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Deterministic, monotonic percent membership (docs/reference.md §1): a node is inside iff
 * {@code bucket(service, plugin, node, salt) < percent}, where the bucket is the first 8 bytes of
 * SHA-256 over the NUL-joined strings, read as an unsigned number, mod 100. Raising the percent
 * only adds nodes; the same inputs give the same bucket on every machine and run.
 */
public final class Membership {
  /** Salt for {@code rollout}. */
  public static final String ROLLOUT_SALT = "rollout";
  /** Salt for {@code canary}: a different salt so canary and rollout nodes are independent. */
  public static final String CANARY_SALT = "canary";

  private Membership() {}

  public static int bucket(String service, String plugin, String node, String salt) {
    byte[] digest = Sha256.newDigest().digest(String.join("\0", service, plugin, node, salt).getBytes(StandardCharsets.UTF_8));
    long first = ByteBuffer.wrap(digest, 0, 8).getLong();
    return (int) Long.remainderUnsigned(first, 100);
  }

  public static boolean inside(String service, String plugin, String node, String salt, int percent) {
    if (percent < 0 || percent > 100) throw new IllegalArgumentException("percent outside 0..100: " + percent);
    return bucket(service, plugin, node, salt) < percent;
  }
}
