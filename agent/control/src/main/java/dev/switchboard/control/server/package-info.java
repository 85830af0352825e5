/**
 * The runtime's side of the control channel, for the in-JVM runtime: {@link
 * dev.switchboard.control.server.ControlServer} serves a {@link dev.switchboard.control.server.ControlHandler};
 * {@link dev.switchboard.control.server.AgentArgs} is the argument string the agent passes when it injects the
 * runtime; {@link dev.switchboard.control.server.OffThreadLog} logs without blocking the host's threads. JDK
 * only: it runs inside the host.
 */
package dev.switchboard.control.server;
