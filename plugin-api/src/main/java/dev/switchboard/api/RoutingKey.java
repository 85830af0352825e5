package dev.switchboard.api;

/**
 * What a host tells an extension point about the call it makes, so that a plugin running two versions side by
 * side (traffic shifting) sends the call to one of them: an attribute by name, typically a request header
 * ({@code exchange::requestHeader}). The operator's traffic setting names the attribute to hash (a stable
 * user id, say) and the attribute that pins a call to a version (e.g. {@code x-deployment-id}).
 */
@FunctionalInterface
public interface RoutingKey {
  /** No attributes: calls are shared by weight alone (a random draw per call). */
  RoutingKey NONE = name -> null;

  /** The attribute's value, or null when the call has none. */
  String attribute(String name);

  /**
   * A number in [0, 10000) fixed for one request, used instead of a random draw per call when the split has no
   * hash key (or the call no value for it): a host that calls several points for one request returns the same
   * number for each so the request reaches one version throughout. -1 (the default): a random draw per call.
   */
  default int bucket() {
    return -1;
  }
}
