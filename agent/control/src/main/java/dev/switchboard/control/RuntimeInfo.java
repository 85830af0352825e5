package dev.switchboard.control;

/**
 * What the runtime tells a controller in the handshake.
 *
 * @param runtimeVersion Switchboard runtime version
 * @param protocolVersion control protocol version spoken
 * @param apiVersion plugin API version the runtime offers (checked against descriptors' {@code api})
 * @param hostPid pid of the host JVM
 * @param hostJava {@code java.version} of the host
 * @param exports host packages plugins loaded from now on see ({@code pkg} or {@code pkg.*})
 * @param missingExports packages asked for as exports that no class loader of the host defines,
 *     by name (empty when all were found; a runtime that predates it sends none)
 */
public record RuntimeInfo(String runtimeVersion, int protocolVersion, String apiVersion, long hostPid, String hostJava,
    java.util.List<String> exports, java.util.List<String> missingExports) {
  public RuntimeInfo {
    exports = java.util.List.copyOf(exports);
    missingExports = java.util.List.copyOf(missingExports);
  }

  /** Without export figures. */
  public RuntimeInfo(String runtimeVersion, int protocolVersion, String apiVersion, long hostPid, String hostJava) {
    this(runtimeVersion, protocolVersion, apiVersion, hostPid, hostJava, java.util.List.of(), java.util.List.of());
  }
}
