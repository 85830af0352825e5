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
}
