package dev.switchboard.store.internal;

import dev.switchboard.store.Futures;
import java.util.Locale;

/**
 * Turns a client failure into one line an operator can act on: what went wrong (TLS trust,
 * certificate, password, permission) and which setting to look at. Never includes secrets.
 */
public final class Problems {
  private Problems() {}

  /** The innermost informative message of {@code t} with a hint when the cause is recognised. */
  public static String describe(Throwable t) {
    t = Futures.unwrap(t);
    StringBuilder all = new StringBuilder();
    String root = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" | ");
      if (c.getMessage() != null) {
        root = c.getClass().getSimpleName() + ": " + c.getMessage();
      }
    }
    String s = all.toString().toLowerCase(Locale.ROOT);
    String hint;
    if (s.contains("pkix path") || s.contains("unable to find valid certification path") || s.contains("signature check failed")) {
      hint = "TLS: the server's certificate is not signed by the configured CA (check tls.ca)";
    } else if (s.contains("certificate_expired") || s.contains("certificate expired") || s.contains("notafter") || s.contains("certificateexpiredexception")) {
      hint = "TLS: a certificate has expired (check tls.cert and the server's certificate)";
    } else if (s.contains("no subject alternative") || s.contains("no name matching")) {
      hint = "TLS: the server's certificate does not name the host connected to (set authority, or fix the endpoint)";
    } else if (s.contains("bad_certificate") || s.contains("bad certificate") || s.contains("certificate_required") || s.contains("certificate required")) {
      hint = "TLS: the server refused the client certificate (check tls.cert and tls.key, and that the server trusts their CA)";
    } else if (s.contains("authentication failed") || s.contains("invalid user id or password") || s.contains("authfailed") || s.contains("unauthenticated")) {
      hint = "authentication failed: wrong user or password (check user and passwordFile)";
    } else if (s.contains("permission denied") || s.contains("noauth") || s.contains("not authorized")) {
      hint = "permission denied: the user's role does not allow this (see the roles in docs/security.md)";
    } else if (s.contains("sslhandshake") || s.contains("handshake")) {
      hint = "TLS handshake failed (check https:// endpoints and the tls files)";
    } else {
      hint = null;
    }
    return hint == null ? root : hint + " [" + root + "]";
  }
}
