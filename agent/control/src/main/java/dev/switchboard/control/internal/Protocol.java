package dev.switchboard.control.internal;

import java.nio.file.Path;

/**
 * Constants and file layout of the control channel (docs/reference.md §5).
 *
 * <p>Messages (JSON objects, field {@code type}):
 *
 * <pre>
 * client → runtime  hello      {protocol, token}                     first frame, within HANDSHAKE_TIMEOUT
 * runtime → client  welcome    {protocol, runtimeVersion, apiVersion, hostPid, hostJava}
 * runtime → client  error      {code, message}                       then the runtime closes
 * client → runtime  activate   {id, pluginId, jarPath, sha256, configJson}
 * client → runtime  deactivate {id, pluginId}
 * client → runtime  status     {id}
 * client → runtime  stats      {id}
 * client → runtime  checkUnload {id}                     on-demand unload check (one full GC); result {statuses}
 *                                                        (added later: an older runtime refuses it as an unknown type)
 * client → runtime  detach     {id}                     stop every plugin, answer {statuses}, then close every
 *                                                        connection, remove socket and token and unload the runtime
 *                                                        (added later: an older runtime refuses it as an unknown type)
 * client → runtime  traffic    {id, pluginId, action: split|promote|abort, jarPath, sha256, configJson, weights,
 *                                hashKey, pinHeader, pins}   two versions of a plugin live, calls shared; result {status}
 *                                                        (added later: an older runtime refuses it as an unknown type)
 * runtime → client  result     {id, ok:true, status | statuses | stats} or {id, ok:false, code, message}
 * runtime → client  event      {status}                              pushed state changes
 * </pre>
 *
 * A status is {pluginId, state, version, sha256, since, error, unload, leakedThreads}; the FAILED answer to
 * an activate request may add {refusal: {permanent, previousServing}} (added later; older clients ignore it).
 *
 * Files in the control directory: {@code <pid>.sock} (the Unix socket) and {@code <pid>.token}
 * (64 hex chars), both mode 0600 and owned by the host's user.
 */
public final class Protocol {
  private Protocol() {}

  /** Version of the messages (handshake). */
  public static final int VERSION = 1;
  /** Version byte at the start of every frame. */
  public static final int FRAME_VERSION = 1;
  /** Largest payload of one frame. */
  public static final int MAX_FRAME = 1 << 20;
  /** Time a client has to send hello, and to get welcome. */
  public static final long HANDSHAKE_TIMEOUT_MILLIS = 5_000;
  /** Length of the token in hex chars (32 random bytes). */
  public static final int TOKEN_HEX_LENGTH = 64;

  public static final String HELLO = "hello";
  public static final String WELCOME = "welcome";
  public static final String ERROR = "error";
  public static final String ACTIVATE = "activate";
  public static final String DEACTIVATE = "deactivate";
  public static final String STATUS = "status";
  public static final String STATS = "stats";
  /** On-demand unload check (additive; an older runtime answers "unknown request type" and closes). */
  public static final String CHECK_UNLOAD = "checkUnload";
  /** Stop every plugin and remove the runtime from the host (additive, like {@link #CHECK_UNLOAD}). */
  public static final String DETACH = "detach";
  /** Two versions of one plugin live with calls shared, or the end of that (additive, like {@link #CHECK_UNLOAD}). */
  public static final String TRAFFIC = "traffic";
  public static final String RESULT = "result";
  public static final String EVENT = "event";

  public static Path socketPath(Path controlDir, long pid) {
    return controlDir.resolve(pid + ".sock");
  }

  public static Path tokenPath(Path controlDir, long pid) {
    return controlDir.resolve(pid + ".token");
  }

  /** True for exactly 64 lowercase hex chars. */
  public static boolean isToken(String s) {
    return dev.switchboard.control.Sha256.isHex(s);
  }

}
