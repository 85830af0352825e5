/**
 * The control channel between the sidecar and the in-JVM runtime (docs/reference.md §5): a Unix domain
 * socket in a control directory shared by both (mode 0600), a per-injection random token, and
 * versioned frames with a handshake. JDK only, so the same classes run inside the host JVM.
 *
 * <p>Sidecar side: {@link dev.switchboard.control.RuntimeClient} (connect or attach-and-connect,
 * then {@link dev.switchboard.control.RuntimeConnection}). Runtime side: {@link
 * dev.switchboard.control.server.ControlServer} in this module, started by the runtime module inside the host.
 * Tools: {@link dev.switchboard.control.ControlCodec} (the channel's JSON forms), {@link
 * dev.switchboard.control.Jvms} (the JVMs on this machine), {@link dev.switchboard.control.Sha256}. Everything
 * in {@code internal} is this module's own; other modules use the public packages only.
 */
package dev.switchboard.control;
