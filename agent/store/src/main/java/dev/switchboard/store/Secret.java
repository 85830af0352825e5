package dev.switchboard.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a password comes from: a file (its first line) or an environment variable. The value is
 * read when a client connects, never kept in configuration objects, and never printed: {@link
 * #toString()} names the source only.
 */
public final class Secret {
  private final Path file;
  private final String envName;
  private final Function<String, String> env;

  private Secret(Path file, String envName, Function<String, String> env) {
    this.file = file;
    this.envName = envName;
    this.env = env;
  }

  /** The first line of {@code file} (a trailing newline is not part of the password). */
  public static Secret file(Path file) {
    return new Secret(Objects.requireNonNull(file, "file == null"), null, null);
  }

  /** The value of environment variable {@code name}, looked up in {@code env} when read. */
  public static Secret env(String name, Function<String, String> env) {
    Objects.requireNonNull(name, "name == null");
    return new Secret(null, name, Objects.requireNonNull(env, "env == null"));
  }

  /**
   * Reads the password now.
   *
   * @throws StoreException REJECTED when the file cannot be read, is empty, or the variable is unset
   */
  public char[] read() {
    String v;
    if (file != null) {
      try {
        v = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        throw new StoreException(StoreException.Code.REJECTED, "cannot read password file " + file + ": " + e, e);
      }
      int nl = v.indexOf('\n');
      if (nl >= 0) {
        v = v.substring(0, nl);
      }
      if (v.endsWith("\r")) {
        v = v.substring(0, v.length() - 1);
      }
      if (v.isEmpty()) {
        throw new StoreException(StoreException.Code.REJECTED, "password file " + file + " is empty");
      }
    } else {
      v = env.apply(envName);
      if (v == null || v.isEmpty()) {
        throw new StoreException(StoreException.Code.REJECTED, "environment variable " + envName + " (the password) is not set");
      }
    }
    return v.toCharArray();
  }

  /** The source, for messages: {@code file /run/secrets/x} or {@code env NAME}; never the value. */
  @Override
  public String toString() {
    return file != null ? "file " + file : "env " + envName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && Objects.equals(file, s.file) && Objects.equals(envName, s.envName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(file, envName);
  }
}
