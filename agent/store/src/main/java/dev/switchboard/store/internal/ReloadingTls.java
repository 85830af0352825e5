package dev.switchboard.store.internal;

import dev.switchboard.store.StoreException;
import dev.switchboard.store.TlsFiles;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key manager and a trust manager over {@link TlsFiles} that re-read the files when their
 * modification time or size changes, checked at every TLS handshake. Established connections keep
 * their session; the next handshake (reconnect, new connection) uses the new files. A change that
 * cannot be loaded (a half-written file during a rotation) keeps the previous material and is
 * logged with the file and the reason; it is tried again at the next handshake.
 */
public final class ReloadingTls {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadingTls.class);

  private record Material(String stamp, long generation, PrivateKey key, X509Certificate[] chain, X509ExtendedTrustManager trust) {}

  private final TlsFiles files;
  private final String store;
  private final Object lock = new Object();
  private volatile Material current;
  private volatile Material previous;
  private volatile String lastFailure;

  /**
   * Loads the files now.
   *
   * @throws StoreException REJECTED naming the file when one cannot be read or parsed
   */
  public ReloadingTls(String store, TlsFiles files) {
    this.store = store;
    this.files = Objects.requireNonNull(files, "files == null");
    this.current = load(stamp(), 1);
  }

  public X509ExtendedKeyManager keyManager() {
    return new Keys();
  }

  public X509ExtendedTrustManager trustManager() {
    return new Trust();
  }

  /** How many times the files were (re)loaded. */
  public long generation() {
    return current.generation();
  }

  private String stamp() {
    StringBuilder b = new StringBuilder();
    for (Path p : new Path[] {files.ca(), files.cert(), files.key()}) {
      if (p == null) {
        continue;
      }
      try {
        b.append(Files.getLastModifiedTime(p).toMillis()).append('/').append(Files.size(p)).append(';');
      } catch (IOException e) {
        b.append("missing;");
      }
    }
    return b.toString();
  }

  private Material fresh() {
    String s = stamp();
    Material m = current;
    if (s.equals(m.stamp())) {
      return m;
    }
    synchronized (lock) {
      m = current;
      if (s.equals(m.stamp()) || s.equals(lastFailure)) {
        return m;
      }
      try {
        Material n = load(s, m.generation() + 1);
        previous = m;
        current = n;
        lastFailure = null;
        LOG.info("{}: TLS files reloaded ({})", store, files);
        return n;
      } catch (StoreException e) {
        lastFailure = s;
        LOG.warn("{}: TLS files changed but cannot be loaded, keeping the previous ones: {}", store, e.getMessage());
        return m;
      }
    }
  }

  private Material load(String stamp, long generation) {
    PrivateKey key = null;
    X509Certificate[] chain = null;
    if (files.clientCertificate()) {
      chain = PemFiles.certificates(files.cert(), "tls.cert").toArray(X509Certificate[]::new);
      key = PemFiles.privateKey(files.key());
      if (!matches(key, chain[0])) {
        throw new StoreException(StoreException.Code.REJECTED, "tls.key " + files.key() + " does not belong to the certificate in tls.cert " + files.cert());
      }
    }
    X509ExtendedTrustManager trust;
    try {
      KeyStore ks = null;
      if (files.ca() != null) {
        ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : PemFiles.certificates(files.ca(), "tls.ca")) {
          ks.setCertificateEntry("ca-" + i++, c);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      trust = null;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          trust = x;
        }
      }
      if (trust == null) {
        throw new StoreException(StoreException.Code.INTERNAL, "no X509ExtendedTrustManager from " + tmf.getAlgorithm());
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new StoreException(StoreException.Code.REJECTED, "tls.ca " + files.ca() + ": " + e.getMessage(), e);
    }
    return new Material(stamp, generation, key, chain, trust);
  }

  /** Signs a challenge with the key and verifies it with the certificate's public key. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> "Ed25519";
    };
    try {
      byte[] challenge = "switchboard-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      java.security.Signature s = java.security.Signature.getInstance(alg);
      s.initSign(key);
      s.update(challenge);
      byte[] sig = s.sign();
      java.security.Signature v = java.security.Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(challenge);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private Material byAlias(String alias) {
    Material c = fresh();
    if (alias != null && alias.equals("client-" + c.generation())) {
      return c;
    }
    Material p = previous;
    if (p != null && alias != null && alias.equals("client-" + p.generation())) {
      return p;
    }
    return c;
  }

  private final class Keys extends X509ExtendedKeyManager {
    private String alias() {
      Material m = fresh();
      return m.key() == null ? null : "client-" + m.generation();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      String a = alias();
      return a == null ? null : new String[] {a};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return alias();
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return alias();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      X509Certificate[] c = byAlias(alias).chain();
      return c == null ? null : c.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return byAlias(alias).key();
    }
  }

  private final class Trust extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      fresh().trust().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      fresh().trust().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      fresh().trust().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      fresh().trust().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      fresh().trust().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      fresh().trust().checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> l = new ArrayList<>(List.of(fresh().trust().getAcceptedIssuers()));
      return l.toArray(X509Certificate[]::new);
    }
  }
}
