package dev.agentdojo.orders;

import dev.agentdojo.postgres.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance keeps at most {@code quarkus.http.limits.max-connections} HTTP connections open; one
 * more is closed unanswered, and taken again once another leaves.
 */
@QuarkusTest
@TestProfile(ConnectionLimitTest.FourConnections.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "orders"))
class ConnectionLimitTest {

    /** Four connections at most (the default is 2,000). */
    public static class FourConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.limits.max-connections", "4");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void aConnectionBeyondTheLimitIsClosedUnansweredAndTakenOnceAnotherLeaves() throws Exception {
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket kept = connect();
                open.add(kept);
                assertThat(ask(kept)).as("connection %d", i + 1).startsWith("HTTP/1.1 200");
            }
            try (Socket fifth = connect()) {
                assertThat(ask(fifth)).as("the fifth connection").isEmpty();
            }
            open.remove(0).close();
            await("a connection is taken once another has left (the server sees the close a moment later)")
                    .atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
                        try (Socket again = connect()) {
                            return ask(again).startsWith("HTTP/1.1 200");
                        }
                    });
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** Asks for one order list on a kept-alive connection; answers the status line, or "" when the server closed it. */
    private static String ask(Socket socket) throws IOException {
        try {
            socket.getOutputStream().write(("GET /orders?limit=1 HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException closed) {
            return "";
        }
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        try {
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
        } catch (IOException reset) {
            return "";
        }
        return line.toString();
    }
}
