package dev.switchboard.sample.plugins.zkslow;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * What the plugin reads from a ZooKeeper server's {@code org.apache.zookeeper.server.Request}, through reflection
 * (a plugin does not see the host's classes): its public fields {@code type}, {@code sessionId} and {@code createTime}
 * (the server's elapsed-time clock, {@code System.nanoTime() / 1,000,000}, when the request arrived), the operation's
 * name from {@code Request.op2String(int)}, and the path: the first field of the request's serialised body for the
 * operations whose body starts with one ({@code readRequestBytes()} in 3.9, the {@code request} buffer before).
 * Bound to one {@code Request} class; a server whose classes come from another loader gets its own instance.
 */
final class RequestFields {
  static final String REQUEST = "org.apache.zookeeper.server.Request";
  /** Operations whose serialised request starts with the znode path (a jute ustring: int length, UTF-8 bytes). */
  static final Set<String> PATH_FIRST = Set.of("create", "create2", "createContainer", "createTTL", "delete", "deleteContainer",
      "exists", "getData", "setData", "getACL", "setACL", "getChildren", "getChildren2", "sync", "check", "checkWatches",
      "removeWatches", "addWatch", "getAllChildrenNumber", "getEphemerals");
  static final int MAX_PATH_BYTES = 4096;

  private final Class<?> type;
  private final Field opType;
  private final Field sessionId;
  private final Field createTime;
  private final Method op2String;
  private final Method readRequestBytes; // ZooKeeper 3.9; null before
  private final Field requestBuffer; // ZooKeeper up to 3.8: public final ByteBuffer request; null from 3.9

  private RequestFields(Class<?> type) throws ReflectiveOperationException {
    this.type = type;
    this.opType = type.getField("type");
    this.sessionId = type.getField("sessionId");
    this.createTime = type.getField("createTime");
    this.op2String = type.getMethod("op2String", int.class);
    Method read = null;
    Field buffer = null;
    try {
      read = type.getMethod("readRequestBytes");
    } catch (NoSuchMethodException e) {
      Field f = type.getField("request");
      if (f.getType() != ByteBuffer.class) throw new NoSuchFieldException(type.getName() + ".request is a " + f.getType().getName());
      buffer = f;
    }
    this.readRequestBytes = read;
    this.requestBuffer = buffer;
  }

  /** The fields of the {@code Request} class {@code request} is an instance of (resolved in its own loader). */
  static RequestFields of(Object request) throws ReflectiveOperationException {
    return new RequestFields(Class.forName(REQUEST, false, request.getClass().getClassLoader()));
  }

  /** Whether {@code request} is a {@code Request} of the class these fields were read from. */
  boolean fits(Object request) {
    return type.isInstance(request);
  }

  /** Milliseconds since the request arrived at the server. */
  long elapsedMillis(Object request) throws IllegalAccessException {
    return System.nanoTime() / 1_000_000 - createTime.getLong(request);
  }

  String op(Object request) throws ReflectiveOperationException {
    return String.valueOf(op2String.invoke(null, opType.getInt(request)));
  }

  String session(Object request) throws IllegalAccessException {
    return "0x" + Long.toHexString(sessionId.getLong(request));
  }

  /** The znode path of a request of operation {@code op}, or null when that operation names none (or no body). */
  String path(Object request, String op) throws ReflectiveOperationException {
    if (!PATH_FIRST.contains(op)) return null;
    ByteBuffer body;
    if (readRequestBytes != null) {
      byte[] bytes = (byte[]) readRequestBytes.invoke(request);
      if (bytes == null) return null;
      body = ByteBuffer.wrap(bytes);
    } else {
      ByteBuffer b = (ByteBuffer) requestBuffer.get(request);
      if (b == null) return null;
      body = b.duplicate();
      body.rewind();
    }
    return firstString(body);
  }

  /** The jute ustring at the start of {@code body}, or null when it does not hold one. */
  static String firstString(ByteBuffer body) {
    if (body.remaining() < 4) return null;
    int length = body.getInt();
    if (length < 0 || length > MAX_PATH_BYTES || length > body.remaining()) return null;
    byte[] b = new byte[length];
    body.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
