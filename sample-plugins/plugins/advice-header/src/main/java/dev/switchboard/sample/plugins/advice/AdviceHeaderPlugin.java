package dev.switchboard.sample.plugins.advice;

import dev.switchboard.api.AdviceCall;
import dev.switchboard.api.MethodAdvice;
import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginContext;
import java.lang.reflect.Method;

/**
 * Changes what the sample host answers without using its extension point: advice before its request handler
 * ({@code FilterChain.handle(HttpServerRequest)}, a package-private class plugins cannot even see) puts a response
 * header {@code X-Advice: <id>/<version>}. The host's Vert.x types are not visible to plugins, so the request is
 * used through reflection on the host's own interfaces.
 *
 * <p>Config: {@code header} (default {@code X-Advice}); {@code target} (another class to advise, to see a refusal);
 * {@code failHandler} (the handler throws on every call, to see that the host's call is not affected); {@code
 * advise} (default true; false: the plugin runs without declaring any advice); {@code trace} (the handlers log
 * {@code advice-trace before <id>} and, from an after-return handler, {@code advice-trace afterReturn <id>} for
 * every call, which shows the order of several plugins' handlers in the host's output).
 */
public final class AdviceHeaderPlugin implements Plugin {
  static final String HANDLER = "dev.switchboard.sample.host.FilterChain";

  @Override
  public void start(PluginContext ctx) {
    String header = ctx.config().string("header", "X-Advice");
    String value = ctx.pluginId() + "/" + ctx.version();
    boolean fail = ctx.config().bool("failHandler", false);
    String target = ctx.config().string("target", HANDLER);
    if (!ctx.config().bool("advise", true)) return;
    boolean trace = ctx.config().bool("trace", false);
    System.Logger log = ctx.logger();
    MethodAdvice.Builder b = MethodAdvice.on(target).method("handle")
        .descriptor(target.equals(HANDLER) ? "(Lio/vertx/core/http/HttpServerRequest;)V" : null)
        .before(call -> {
          if (fail) throw new IllegalStateException("failHandler is set: this handler fails on purpose");
          if (trace) log.log(System.Logger.Level.INFO, "advice-trace before " + ctx.pluginId());
          mark(call, header, value);
        });
    if (trace) b.afterReturn(call -> log.log(System.Logger.Level.INFO, "advice-trace afterReturn " + ctx.pluginId()));
    ctx.advise(b.build());
  }

  /**
   * Puts {@code header: value}; a value an earlier handler put already (another version of this plugin, or another
   * plugin running these sources under a second id) shows as {@code both:<earlier>,<this>}, which makes the order
   * of the handlers visible.
   */
  static void mark(AdviceCall call, String header, String value) throws ReflectiveOperationException {
    Object request = call.argument(0);
    ClassLoader host = request.getClass().getClassLoader();
    Class<?> requestType = Class.forName("io.vertx.core.http.HttpServerRequest", false, host);
    Class<?> responseType = Class.forName("io.vertx.core.http.HttpServerResponse", false, host);
    Class<?> multiMap = Class.forName("io.vertx.core.MultiMap", false, host);
    Object response = requestType.getMethod("response").invoke(request);
    Object headers = responseType.getMethod("headers").invoke(response);
    Method get = multiMap.getMethod("get", String.class);
    Object already = get.invoke(headers, header);
    String v = already == null ? value : "both:" + already + "," + value;
    responseType.getMethod("putHeader", String.class, String.class).invoke(response, header, v);
  }
}
