package dev.switchboard.control;

/**
 * What the runtime tells a controller in the handshake.
 *
 * @param runtimeVersion Switchboard runtime version
 * @param protocolVersion control protocol version spoken
 * @param apiVersion plugin API version the runtime offers (checked against descriptors' {@code api})
 * @param hostPid pid of the host JVM
 * @param hostJava {@code java.version} of the host
 */
public record RuntimeInfo(String runtimeVersion, int protocolVersion, String apiVersion, long hostPid, String hostJava) {}
