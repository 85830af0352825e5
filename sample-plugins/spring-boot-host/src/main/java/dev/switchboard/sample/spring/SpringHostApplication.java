package dev.switchboard.sample.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;

/**
 * A plain Spring MVC application ({@link HelloController} knows nothing of Switchboard) with the
 * Switchboard starter on its class path, packaged by spring-boot-maven-plugin as an executable jar:
 * the plugin API sits in {@code BOOT-INF/lib}, loaded by Spring Boot's launcher loader, never on the
 * system class path. Prints {@code PID <pid>} and {@code LISTENING <port>} when it serves.
 */
@SpringBootApplication
public class SpringHostApplication {
  public static void main(String[] args) {
    SpringApplication.run(SpringHostApplication.class, args);
  }

  @Bean
  ApplicationListener<WebServerInitializedEvent> announcePort() {
    return e -> {
      System.out.println("PID " + ProcessHandle.current().pid());
      System.out.println("LISTENING " + e.getWebServer().getPort());
    };
  }
}
