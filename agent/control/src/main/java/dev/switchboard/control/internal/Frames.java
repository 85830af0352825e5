package dev.switchboard.control.internal;

import dev.switchboard.control.ControlException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Frames of the control channel: {@code [1 byte frame version][4 bytes big-endian payload
 * length][payload]}, the payload a UTF-8 JSON object of at most {@link Protocol#MAX_FRAME} bytes.
 * Every violation is a {@link ControlException} with code {@code PROTOCOL}; the caller closes that
 * connection.
 */
public final class Frames {
  private Frames() {}

  /** Reads one frame; returns null on a clean end of stream before the first byte. */
  public static Map<String, Object> read(ReadableByteChannel ch) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(5);
    if (!fill(ch, header, true)) return null;
    header.flip();
    int version = header.get() & 0xff;
    if (version != Protocol.FRAME_VERSION) {
      throw new ControlException(ControlException.Code.PROTOCOL, "frame version " + version + " unsupported (expected " + Protocol.FRAME_VERSION + ")");
    }
    int length = header.getInt();
    if (length <= 0 || length > Protocol.MAX_FRAME) {
      throw new ControlException(ControlException.Code.PROTOCOL, "frame length out of range 1.." + Protocol.MAX_FRAME + ": " + length);
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    fill(ch, payload, false);
    payload.flip();
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(payload)
          .toString();
    } catch (CharacterCodingException e) {
      throw new ControlException(ControlException.Code.PROTOCOL, "frame payload is not valid UTF-8", e);
    }
    try {
      return Json.parseObject(text);
    } catch (Json.JsonException e) {
      throw new ControlException(ControlException.Code.PROTOCOL, "frame payload: " + e.getMessage(), e);
    }
  }

  private static boolean fill(ReadableByteChannel ch, ByteBuffer buf, boolean eofAllowedAtStart) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf);
      if (n < 0) {
        if (eofAllowedAtStart && buf.position() == 0) return false;
        throw new EOFException("connection closed in the middle of a frame (" + buf.position() + " of " + buf.capacity() + " bytes)");
      }
    }
    return true;
  }

  /** Encodes one message as a frame. */
  public static ByteBuffer encode(Map<String, Object> message) {
    byte[] payload = Json.write(message).getBytes(StandardCharsets.UTF_8);
    if (payload.length > Protocol.MAX_FRAME) {
      throw new ControlException(ControlException.Code.PROTOCOL, "message larger than " + Protocol.MAX_FRAME + " bytes: " + payload.length);
    }
    ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
    b.put((byte) Protocol.FRAME_VERSION).putInt(payload.length).put(payload).flip();
    return b;
  }

  /** Writes one message; callers serialize writes to one channel. */
  public static void write(WritableByteChannel ch, Map<String, Object> message) throws IOException {
    ByteBuffer b = encode(message);
    while (b.hasRemaining()) ch.write(b);
  }
}
