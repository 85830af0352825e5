package dev.switchboard.control.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.control.ControlException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FramesTest {
  private static ReadableByteChannel bytes(byte[] b) {
    return Channels.newChannel(new ByteArrayInputStream(b));
  }

  private static byte[] frame(int version, int length, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
    b.put((byte) version).putInt(length).put(payload);
    return b.array();
  }

  @Test
  void encodedFrameReadsBack() throws Exception {
    ByteBuffer b = Frames.encode(Map.of("type", "status", "id", 7L));
    byte[] a = new byte[b.remaining()];
    b.get(a);
    assertThat(Frames.read(bytes(a))).isEqualTo(Map.of("type", "status", "id", 7L));
  }

  @Test
  void cleanEndOfStreamIsNull() throws Exception {
    assertThat(Frames.read(bytes(new byte[0]))).isNull();
  }

  @Test
  void truncatedFrameIsAnEndOfStreamError() {
    byte[] p = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] f = frame(1, p.length + 5, p);
    assertThatThrownBy(() -> Frames.read(bytes(f))).isInstanceOf(EOFException.class);
  }

  @Test
  void wrongFrameVersionIsAProtocolError() {
    byte[] p = "{}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Frames.read(bytes(frame(9, p.length, p))))
        .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.code()).isEqualTo(ControlException.Code.PROTOCOL))
        .hasMessageContaining("frame version 9");
  }

  @Test
  void oversizedAndZeroAndNegativeLengthsAreProtocolErrors() {
    for (int len : new int[] {0, -1, Protocol.MAX_FRAME + 1, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> Frames.read(bytes(frame(1, len, new byte[0]))))
          .isInstanceOf(ControlException.class)
          .hasMessageContaining("frame length out of range");
    }
  }

  @Test
  void invalidUtf8AndNonObjectPayloadsAreProtocolErrors() {
    byte[] bad = {(byte) 0xc3, (byte) 0x28};
    assertThatThrownBy(() -> Frames.read(bytes(frame(1, 2, bad)))).isInstanceOf(ControlException.class).hasMessageContaining("UTF-8");
    byte[] arr = "[1]".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Frames.read(bytes(frame(1, 3, arr)))).isInstanceOf(ControlException.class).hasMessageContaining("object");
  }

  @Test
  void codecRejectsBadFields() {
    assertThatThrownBy(() -> Codec.status(Map.of("pluginId", "x", "state", "DANCING")))
        .isInstanceOf(ControlException.class).hasMessageContaining("state");
    assertThatThrownBy(() -> Codec.activate(Map.of("pluginId", "x", "jarPath", "/a.jar", "sha256", "nothex")))
        .isInstanceOf(ControlException.class).hasMessageContaining("sha256");
    assertThatThrownBy(() -> Codec.activate(Map.of("pluginId", "x", "jarPath", "/a.jar", "sha256", "a".repeat(64), "configJson", "[1]")))
        .isInstanceOf(ControlException.class).hasMessageContaining("configJson");
    assertThatThrownBy(() -> Codec.info(Map.of("runtimeVersion", "1", "protocol", "one", "apiVersion", "1.0", "hostPid", 1L, "hostJava", "17")))
        .isInstanceOf(ControlException.class).hasMessageContaining("protocol");
  }
}
