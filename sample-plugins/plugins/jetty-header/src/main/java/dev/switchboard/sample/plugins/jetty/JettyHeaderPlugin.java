package dev.switchboard.sample.plugins.jetty;

import dev.switchboard.api.MethodAdvice;
import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginContext;
import java.lang.reflect.Method;

/**
 * Adds a response header to every response of a standalone Jetty 12 ({@code java -jar start.jar}) that knows nothing
 * of Switchboard: advice before {@code org.eclipse.jetty.server.Server.handle(Request, Response, Callback)}, the
 * entry of every request, puts {@code X-Switchboard-Advice: <id>/<version>} (config {@code header} renames it) into
 * the response's headers. Jetty's types are not visible to plugins, so they are used through reflection on Jetty's
 * own interfaces, found through the loader of the response object.
 */
public final class JettyHeaderPlugin implements Plugin {
  static final String SERVER = "org.eclipse.jetty.server.Server";
  static final String HANDLE = "(Lorg/eclipse/jetty/server/Request;Lorg/eclipse/jetty/server/Response;"
      + "Lorg/eclipse/jetty/util/Callback;)Z";

  /** Jetty's methods, looked up once per Jetty loader. */
  private record Reflection(ClassLoader loader, Method getHeaders, Method put) {}

  private volatile Reflection reflection;

  @Override
  public void start(PluginContext ctx) {
    String header = ctx.config().string("header", "X-Switchboard-Advice");
    String value = ctx.pluginId() + "/" + ctx.version();
    ctx.advise(MethodAdvice.on(SERVER).method("handle").descriptor(HANDLE)
        .before(call -> {
          Object response = call.argument(1);
          Reflection r = reflection(response.getClass().getClassLoader());
          r.put().invoke(r.getHeaders().invoke(response), header, value);
        })
        .build());
  }

  private Reflection reflection(ClassLoader jetty) throws ReflectiveOperationException {
    Reflection r = reflection;
    if (r != null && r.loader() == jetty) return r;
    Class<?> response = Class.forName("org.eclipse.jetty.server.Response", false, jetty);
    Class<?> fields = Class.forName("org.eclipse.jetty.http.HttpFields$Mutable", false, jetty);
    r = new Reflection(jetty, response.getMethod("getHeaders"), fields.getMethod("put", String.class, String.class));
    reflection = r;
    return r;
  }

  @Override
  public void stop() {
    reflection = null;
  }
}
