package dev.switchboard.store.internal;

import dev.switchboard.store.StoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads PEM certificates and private keys with the JDK alone. Errors name the file. */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  private PemFiles() {}

  private static String read(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new StoreException(StoreException.Code.REJECTED, "cannot read " + what + " file " + file + ": " + e, e);
    }
  }

  private static List<byte[]> blocks(String text, String type) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        out.add(Base64.getMimeDecoder().decode(m.group(2)));
      }
    }
    return out;
  }

  /** Every {@code CERTIFICATE} block of {@code file}; at least one. */
  public static List<X509Certificate> certificates(Path file, String what) {
    String text = read(file, what);
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(text, "CERTIFICATE")) {
        certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException | RuntimeException e) {
      throw new StoreException(StoreException.Code.REJECTED, what + " file " + file + " holds a malformed certificate: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new StoreException(StoreException.Code.REJECTED, what + " file " + file + " holds no PEM CERTIFICATE block");
    }
    return certs;
  }

  /** The private key of {@code file}: PKCS#8 {@code PRIVATE KEY} (RSA, EC, Ed25519) or PKCS#1 {@code RSA PRIVATE KEY}. */
  public static PrivateKey privateKey(Path file) {
    String text = read(file, "tls.key");
    List<byte[]> pkcs8 = blocks(text, "PRIVATE KEY");
    if (pkcs8.isEmpty()) {
      List<byte[]> pkcs1 = blocks(text, "RSA PRIVATE KEY");
      if (!pkcs1.isEmpty()) {
        pkcs8 = List.of(wrapRsaPkcs1(pkcs1.get(0)));
      }
    }
    if (pkcs8.isEmpty()) {
      String hint = text.contains("ENCRYPTED PRIVATE KEY") ? " (it is encrypted: store it unencrypted, e.g. openssl pkcs8 -topk8 -nocrypt)"
          : text.contains("EC PRIVATE KEY") ? " (SEC1 EC key: convert with openssl pkcs8 -topk8 -nocrypt)"
          : "";
      throw new StoreException(StoreException.Code.REJECTED, "tls.key file " + file + " holds no unencrypted PEM private key" + hint);
    }
    byte[] der = pkcs8.get(0);
    for (String alg : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // try the next algorithm
      }
    }
    throw new StoreException(StoreException.Code.REJECTED, "tls.key file " + file + ": the private key is malformed or of an unsupported algorithm");
  }

  /** PKCS#1 RSAPrivateKey DER wrapped in a PKCS#8 PrivateKeyInfo. */
  static byte[] wrapRsaPkcs1(byte[] pkcs1) {
    byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octet = concat(new byte[] {0x04}, length(pkcs1.length), pkcs1);
    byte[] body = concat(version, algId, octet);
    return concat(new byte[] {0x30}, length(body.length), body);
  }

  private static byte[] length(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    if (n < 0x100) {
      return new byte[] {(byte) 0x81, (byte) n};
    }
    if (n < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    }
    return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
  }

  private static byte[] concat(byte[]... parts) {
    int len = 0;
    for (byte[] p : parts) {
      len += p.length;
    }
    byte[] out = new byte[len];
    int i = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, i, p.length);
      i += p.length;
    }
    return out;
  }
}
