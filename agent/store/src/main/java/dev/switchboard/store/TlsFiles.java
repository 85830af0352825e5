package dev.switchboard.store;

import java.nio.file.Path;

/**
 * PEM files for TLS to a store. Immutable. The files are read when a connection is made and
 * read again when they change on disk (certificate rotation needs no restart).
 *
 * @param ca CA bundle the server certificate must chain to; null: the JVM's default trust store
 * @param cert client certificate chain (PEM); null together with {@code key}: no client certificate
 * @param key the client certificate's private key (PEM, PKCS#8 {@code PRIVATE KEY} or PKCS#1
 *     {@code RSA PRIVATE KEY}, unencrypted)
 */
public record TlsFiles(Path ca, Path cert, Path key) {
  public TlsFiles {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(
          "tls.cert and tls.key go together: cert=" + cert + ", key=" + key);
    }
  }

  /** Whether a client certificate is presented. */
  public boolean clientCertificate() {
    return cert != null;
  }
}
