package dev.switchboard.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Certificates generated at test time (EC P-256): a CA, server certificates for 127.0.0.1 and
 * localhost, client certificates by common name, an expired one, and a second unrelated CA, all
 * written as PEM files (keys PKCS#8) into one directory.
 *
 * <pre>{@code
 * TestCertificates pki = TestCertificates.create(dir);
 * TestCertificates.Pair server = pki.server("etcd");            // server.pem / server-key.pem
 * TestCertificates.Pair agent = pki.client("agent-checkout");   // client cert, CN agent-checkout
 * pki.caFile();                                                 // the CA bundle
 * }</pre>
 */
public final class TestCertificates {
  /** A certificate file and its key file. */
  public record Pair(Path cert, Path key) {}

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final Path dir;
  private final String caName;
  private final KeyPair caKeys;
  private final X509Certificate caCert;

  private TestCertificates(Path dir, String caName) {
    this.dir = dir;
    this.caName = caName;
    this.caKeys = keyPair();
    Instant now = Instant.now();
    this.caCert = sign(new X500Name("CN=" + caName), caKeys, new X500Name("CN=" + caName), caKeys, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)), Kind.CA);
    write(caFile(), pem("CERTIFICATE", encoded(caCert)));
  }

  /** A new CA in {@code dir} (created if missing), written to {@code <dir>/<caName>.pem}. */
  public static TestCertificates create(Path dir) {
    return create(dir, "switchboard-test-ca");
  }

  public static TestCertificates create(Path dir, String caName) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TestCertificates(dir, caName);
  }

  /** The CA bundle (PEM). */
  public Path caFile() {
    return dir.resolve(caName + ".pem");
  }

  public Path dir() {
    return dir;
  }

  /** A server certificate for 127.0.0.1 and localhost: {@code <name>.pem}, {@code <name>-key.pem}. */
  public Pair server(String name) {
    return issue(name, "CN=" + name, Kind.SERVER, Duration.ZERO, Duration.ofDays(30));
  }

  /** A client certificate with common name {@code cn}. */
  public Pair client(String cn) {
    return issue(cn, "CN=" + cn, Kind.CLIENT, Duration.ZERO, Duration.ofDays(30));
  }

  /** A client certificate with common name {@code cn} that expired an hour ago. */
  public Pair expiredClient(String cn) {
    return issue(cn + "-expired", "CN=" + cn, Kind.CLIENT, Duration.ofDays(2), Duration.ofHours(-1));
  }

  /** A client certificate with common name {@code cn} valid for {@code validFor} from now. */
  public Pair shortLivedClient(String cn, Duration validFor) {
    return issue(cn + "-short", "CN=" + cn, Kind.CLIENT, Duration.ZERO, validFor);
  }

  /** Writes a fresh client certificate and key for {@code cn} over an existing pair's files (rotation). */
  public void reissue(Pair target, String cn) {
    Pair fresh = issue(cn + "-" + SERIAL.incrementAndGet(), "CN=" + cn, Kind.CLIENT, Duration.ZERO, Duration.ofDays(30));
    try {
      Files.copy(fresh.key(), target.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(fresh.cert(), target.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An SSL context presenting {@code client} and trusting this CA (for probes and test clients). */
  public javax.net.ssl.SSLContext sslContext(Pair client) {
    try (var keyReader = new org.bouncycastle.openssl.PEMParser(Files.newBufferedReader(client.key()));
         var certReader = new org.bouncycastle.openssl.PEMParser(Files.newBufferedReader(client.cert()))) {
      java.security.PrivateKey key = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter()
          .getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) keyReader.readObject());
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate((org.bouncycastle.cert.X509CertificateHolder) certReader.readObject());
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("client", key, new char[0], new java.security.cert.Certificate[] {cert});
      javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", caCert);
      javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("SSL context for " + client + " failed", e);
    }
  }

  private enum Kind { CA, SERVER, CLIENT }

  private Pair issue(String file, String subject, Kind kind, Duration startedAgo, Duration validFor) {
    KeyPair keys = keyPair();
    Instant now = Instant.now();
    Instant from = now.minus(startedAgo).minus(Duration.ofMinutes(5));
    X509Certificate cert = sign(new X500Name(subject), keys, new X500Name("CN=" + caName), caKeys, from, now.plus(validFor), kind);
    Pair p = new Pair(dir.resolve(file + ".pem"), dir.resolve(file + "-key.pem"));
    write(p.cert(), pem("CERTIFICATE", encoded(cert)));
    write(p.key(), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    return p;
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 key generation failed", e);
    }
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys, Instant from, Instant to, Kind kind) {
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
          Date.from(from), Date.from(to), subject, subjectKeys.getPublic());
      switch (kind) {
        case CA -> {
          b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
          b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }
        case SERVER -> {
          b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
          // etcd uses its serving certificate as a client of its own gateway too
          b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
          b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        case CLIENT -> {
          b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
          b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        }
      }
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("certificate for " + subject + " failed", e);
    }
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void write(Path p, String text) {
    try {
      Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
