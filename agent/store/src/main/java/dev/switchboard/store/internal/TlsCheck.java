package dev.switchboard.store.internal;

import dev.switchboard.store.StoreException;
import dev.switchboard.store.TlsFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * A diagnostic TLS handshake with the client's own files, run when a secured store does not
 * answer: the gRPC client retries a failed handshake silently until its deadline, and this names
 * the reason (untrusted server, expired or refused client certificate, wrong host name).
 */
public final class TlsCheck {
  private TlsCheck() {}

  /** Empty when the handshake succeeds; else the reason (see {@link Problems#describe}). */
  public static Optional<String> handshake(String endpoint, TlsFiles files, String authority) {
    URI u = URI.create(endpoint);
    TlsFiles f = files == null ? new TlsFiles(null, null, null) : files;
    try {
      ReloadingTls tls = new ReloadingTls("check", f);
      if (f.clientCertificate()) {
        java.security.cert.X509Certificate c = PemFiles.certificates(f.cert(), "tls.cert").get(0);
        try {
          c.checkValidity();
        } catch (java.security.cert.CertificateExpiredException e) {
          return Optional.of("TLS: the client certificate in tls.cert " + f.cert() + " expired at " + c.getNotAfter().toInstant());
        } catch (java.security.cert.CertificateNotYetValidException e) {
          return Optional.of("TLS: the client certificate in tls.cert " + f.cert() + " is not valid before " + c.getNotBefore().toInstant());
        }
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(f.clientCertificate() ? new KeyManager[] {tls.keyManager()} : null, new TrustManager[] {tls.trustManager()}, null);
      try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
        s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 2000);
        s.setSoTimeout(2000);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setApplicationProtocols(new String[] {"h2"});
        if (authority != null) {
          p.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(authority.replaceAll(":\\d+$", ""))));
        }
        s.setSSLParameters(p);
        s.startHandshake();
        // TLS 1.3: the server judges the client certificate after the client's Finished; its alert arrives on the first read
        s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        s.getInputStream().read();
        return Optional.empty();
      }
    } catch (StoreException e) {
      return Optional.of(e.getMessage());
    } catch (java.net.SocketTimeoutException e) {
      return Optional.empty();
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      if (e instanceof java.net.SocketException && !(e instanceof java.net.ConnectException)) {
        return Optional.of("TLS: the server closed the connection after the handshake: it refused the client certificate"
            + " (check tls.cert and tls.key, and that the server trusts their CA) [" + e + "]");
      }
      if (e instanceof java.net.ConnectException) {
        return Optional.of("cannot connect to " + u.getHost() + ":" + u.getPort() + ": " + e.getMessage());
      }
      return Optional.of(Problems.describe(e));
    }
  }
}
