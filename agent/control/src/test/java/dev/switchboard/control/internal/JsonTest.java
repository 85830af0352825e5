package dev.switchboard.control.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  @Test
  void readsEveryValueType() {
    Map<String, Object> m = Json.parseObject(
        " {\"s\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\",\"i\":-12,\"big\":12345678901234567890,\"d\":1.5e2,"
            + "\"t\":true,\"f\":false,\"n\":null,\"a\":[1,[],{}],\"o\":{\"x\":0}} ");
    assertThat(m.get("s")).isEqualTo("a\"b\\c\n\u00e9\ud83d\ude00");
    assertThat(m.get("i")).isEqualTo(-12L);
    assertThat(m.get("big")).isEqualTo(1.2345678901234567e19);
    assertThat(m.get("d")).isEqualTo(150.0);
    assertThat(m.get("t")).isEqualTo(true);
    assertThat(m.get("f")).isEqualTo(false);
    assertThat(m).containsEntry("n", null);
    assertThat((List<?>) m.get("a")).hasSize(3);
    assertThat(m.get("o")).isEqualTo(Map.of("x", 0L));
  }

  @Test
  void writtenTextReadsBackEqual() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", "quote\" back\\ tab\t ctl\u0001 emoji\ud83d\ude00");
    m.put("n", 42L);
    m.put("d", 0.25);
    m.put("nul", null);
    m.put("list", Arrays.asList("a", null, true));
    assertThat(Json.parse(Json.write(m))).isEqualTo(m);
  }

  @Test
  void loneSurrogateIsWrittenAsReplacementCharacter() {
    assertThat(Json.parse(Json.write("x\ud800y"))).isEqualTo("x\ufffdy");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "{", "}", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{a:1}", "{\"a\":1}x", "01", "-", "1.", "1e", ".5",
      "\"unterminated", "\"tab\there\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00x\"", "tru", "nul",
      "{\"a\":1,\"a\":2}", "[1 2]", "NaN", "Infinity", "1e999", "'single'", "[\"a\"]]"
  })
  void rejectsMalformedText(String text) {
    assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.JsonException.class).hasMessageContaining("JSON");
  }

  @Test
  void rejectsNestingDeeperThanTheBound() {
    String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
    assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(Json.JsonException.class).hasMessageContaining("nesting deeper");
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    assertThat(Json.parse(ok)).isInstanceOf(List.class);
  }

  @Test
  void rejectsNonObjectWhereAnObjectIsRequired() {
    assertThatThrownBy(() -> Json.parseObject("[1]")).isInstanceOf(Json.JsonException.class).hasMessageContaining("got array");
  }

  @Test
  void refusesToWriteNonFiniteNumbersAndUnknownTypes() {
    assertThatThrownBy(() -> Json.write(Double.NaN)).isInstanceOf(Json.JsonException.class);
    assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(Json.JsonException.class);
  }
}
