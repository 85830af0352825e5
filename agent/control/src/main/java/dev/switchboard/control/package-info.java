/**
 * The control channel between the sidecar and the in-JVM runtime (CONTRACT §5): a Unix domain
 * socket in a control directory shared by both (mode 0600), a per-injection random token, and
 * versioned frames with a handshake. JDK only, so the same classes run inside the host JVM.
 *
 * <p>Sidecar side: {@link dev.switchboard.control.RuntimeClient} (connect or attach-and-connect,
 * then {@link dev.switchboard.control.RuntimeConnection}). Runtime side: the server in the
 * runtime module.
 */
package dev.switchboard.control;
