package dev.switchboard.sample.spring;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The application's own controller: no Switchboard code. */
@RestController
public class HelloController {
  @GetMapping("/")
  public String hello() {
    return "hello";
  }

  @GetMapping("/orders/{id}")
  public String order(@org.springframework.web.bind.annotation.PathVariable("id") String id) {
    return "order " + id;
  }
}
