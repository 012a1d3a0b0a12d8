package dev.agentdojo.orders;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** A resource that {@link DevModeReloadTest} edits, to make dev mode reload the application. */
@Path("/dev-probe")
public class DevModeProbe {

    @GET
    public String version() {
        return "before the edit";
    }
}
