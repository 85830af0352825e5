package dev.switchboard.cli;

import dev.switchboard.sidecar.artifact.Ed25519Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code switchboard ctl keygen <name>}: a new Ed25519 signing key pair as {@code <name>.key}
 * (PKCS#8 PEM, mode 0600, for {@code set-artifact --sign-key}) and {@code <name>.pub}
 * (SubjectPublicKeyInfo PEM, for the agent's {@code artifacts.trustedKeys}). The same files as
 * {@code openssl genpkey -algorithm ed25519 -out <name>.key} and {@code openssl pkey -in
 * <name>.key -pubout -out <name>.pub}. Existing files are never overwritten.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Write a new Ed25519 artifact-signing key pair: <name>.key (private, 0600) and <name>.pub (public).")
final class CtlKeygen implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "<name>", description = "path prefix, e.g. keys/release-2026") Path name;

  @Override
  public Integer call() {
    Path key = name.resolveSibling(name.getFileName() + ".key");
    Path pub = name.resolveSibling(name.getFileName() + ".pub");
    KeyPair pair = Ed25519Keys.generate();
    try {
      if (Files.exists(pub)) throw new FileAlreadyExistsException(pub.toString());
      Path parent = key.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(key, Ed25519Keys.privatePem(pair.getPrivate()), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
      Files.writeString(pub, Ed25519Keys.publicPem(pair.getPublic()), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
    } catch (FileAlreadyExistsException e) {
      System.err.println("switchboard ctl: " + e.getFile() + " exists; not overwriting a key");
      return Main.EXIT_FAILED;
    } catch (IOException | UnsupportedOperationException e) {
      System.err.println("switchboard ctl: cannot write " + key + " / " + pub + ": " + e);
      return Main.EXIT_FAILED;
    }
    System.out.println("private key (keep it secret; sign with: switchboard ctl set-artifact ... --sign-key " + key + "): " + key);
    System.out.println("public key (agents: artifacts.trustedKeys: [" + pub + "]): " + pub);
    return Main.EXIT_OK;
  }
}
