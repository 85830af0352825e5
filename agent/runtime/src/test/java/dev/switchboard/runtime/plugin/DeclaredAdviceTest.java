package dev.switchboard.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.api.AdviceCall;
import dev.switchboard.api.AdviceHandler;
import dev.switchboard.api.MethodAdvice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeclaredAdviceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A handler class as a plugin jar would hold it. */
  public static final class Marks implements AdviceHandler {
    @Override
    public void handle(AdviceCall call) {}
  }

  /** Not a handler. */
  public static final class NotAHandler {}

  private static List<DeclaredAdvice> parse(String json) throws Exception {
    JsonNode n = JSON.readTree(json);
    return DeclaredAdvice.parse(n);
  }

  private static String refusal(String json) {
    try {
      parse(json);
    } catch (PluginRefusedException e) {
      return e.getMessage();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("not refused: " + json);
  }

  @Test
  void aWellFormedDeclarationBecomesMethodAdviceWithItsHandlerClassesResolved() throws Exception {
    List<DeclaredAdvice> list = parse("[{\"type\": \"org.example.Server\", \"match\": \"subtypes\", \"method\": \"handle\","
        + " \"descriptor\": \"(Ljava/lang/String;)Z\", \"before\": \"" + Marks.class.getName() + "\", \"mayThrow\": true}]");
    assertThat(list).hasSize(1);
    DeclaredAdvice d = list.get(0);
    assertThat(d.handlers()).containsOnlyKeys("before");
    var ctors = d.resolve(getClass().getClassLoader());
    MethodAdvice a = d.build(Map.of("before", (AdviceHandler) ctors.get("before").newInstance()));
    assertThat(a.match()).isEqualTo(MethodAdvice.Match.SUBTYPES);
    assertThat(a.target()).isEqualTo("subtypes of org.example.Server#handle(Ljava/lang/String;)Z");
    assertThat(a.before()).isInstanceOf(Marks.class);
    assertThat(a.mayThrow()).isTrue();
    assertThat(a.mayChangeResult()).isFalse();
    assertThat(DeclaredAdvice.parse(null)).isEmpty();
  }

  @Test
  void malformedDeclarationsAreRefusedNamingTheEntryAndTheField() {
    assertThat(refusal("{\"type\": \"a.B\"}")).isEqualTo("descriptor: plugin.json advice: is not an array of advice declarations");
    assertThat(refusal("[{\"method\": \"m\", \"before\": \"a.H\"}]"))
        .isEqualTo("descriptor: plugin.json advice[0]: missing required field 'type'");
    assertThat(refusal("[{\"type\": \"a.B\", \"method\": \"m\", \"before\": \"a.H\"}, {\"type\": \"a.B\", \"method\": \"m\","
        + " \"before\": \"a.H\", \"match\": \"all\"}]")).isEqualTo("descriptor: plugin.json advice[1].match: 'all' is not 'exact' or 'subtypes'");
    assertThat(refusal("[{\"type\": \"a.B\", \"method\": \"m\", \"after\": \"a.H\"}]"))
        .startsWith("descriptor: plugin.json advice[0]: unknown field 'after' (known: [afterReturn, before,");
    assertThat(refusal("[{\"type\": \"a.B\", \"method\": \"m\"}]"))
        .startsWith("descriptor: plugin.json advice[0]: ").contains("no handler: declare before, afterReturn or onThrow");
    assertThat(refusal("[{\"type\": \"a.B\", \"method\": \"<init>\", \"before\": \"a.H\"}]"))
        .contains("advice[0]: ").contains("constructors and static initialisers cannot be advised");
    assertThat(refusal("[{\"type\": \"a.B\", \"method\": \"m\", \"descriptor\": \"(I\", \"before\": \"a.H\"}]"))
        .contains("advice[0]: ").contains("descriptor is not a JVM method descriptor").contains("'(I'");
    assertThat(refusal("[{\"type\": \"a.B\", \"method\": \"m\", \"before\": \"not a class\"}]"))
        .isEqualTo("descriptor: plugin.json advice[0].before: 'not a class' is not a class name");
    assertThat(refusal("[{\"type\": \"a.B\", \"method\": \"m\", \"before\": \"a.H\", \"mayThrow\": \"yes\"}]"))
        .isEqualTo("descriptor: plugin.json advice[0].mayThrow: is not true or false: \"yes\"");
  }

  @Test
  void handlerClassesThatAreMissingOrNoHandlersAreRefusedNamingThem() throws Exception {
    ClassLoader l = getClass().getClassLoader();
    DeclaredAdvice missing = parse("[{\"type\": \"a.B\", \"method\": \"m\", \"onThrow\": \"a.Missing\"}]").get(0);
    assertThatThrownBy(() -> missing.resolve(l)).isInstanceOf(PluginRefusedException.class)
        .hasMessage("descriptor: plugin.json advice[0].onThrow: class a.Missing not found in the jar");
    DeclaredAdvice wrong = parse("[{\"type\": \"a.B\", \"method\": \"m\", \"afterReturn\": \"" + NotAHandler.class.getName() + "\"}]").get(0);
    assertThatThrownBy(() -> wrong.resolve(l))
        .hasMessage("descriptor: plugin.json advice[0].afterReturn: " + NotAHandler.class.getName() + " does not implement "
            + AdviceHandler.class.getName());
  }
}
