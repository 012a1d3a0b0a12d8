package dev.agentdojo.e2e;

import org.junit.jupiter.api.BeforeAll;

/** The shared running product (broker and both services) and a client of its API, for each end-to-end test. */
abstract class EndToEndTest {

    static Environment env;
    static Api api;

    @BeforeAll
    static void up() {
        env = Environment.get();
        api = new Api(env);
    }
}
