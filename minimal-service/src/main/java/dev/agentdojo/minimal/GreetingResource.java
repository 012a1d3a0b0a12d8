package dev.agentdojo.minimal;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** {@code GET /hello}: a greeting, as JSON. All the service does. */
@Path("/hello")
public class GreetingResource {

    /** The answer's body. */
    public record Greeting(String message) {
    }

    @GET
    public Greeting hello() {
        return new Greeting("hello");
    }
}
