package dev.agentdojo.bus.extension;

import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application whose bridge reads a topic without a declared list of names does not start, and
 * says which property to set: renaming a topic in the configuration cannot turn the owner check off.
 */
class UndeclaredTopicTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(UndeclaredTopicTest.class))
            .withConfigurationResource("application.properties")
            .overrideConfigKey("mp.messaging.incoming.agent-dojo-in.topic", "agent-dojo.payments.renamed")
            .assertException(failure -> {
                Throwable t = failure;
                while (t.getCause() != null && !t.getClass().getName().endsWith("ConfigurationException")) {
                    t = t.getCause();
                }
                assertThat(t).isInstanceOf(io.quarkus.runtime.configuration.ConfigurationException.class)
                        .hasMessageContaining("set event-bus.bridge.topic-events.\"agent-dojo.payments.renamed\" to the names");
            });

    @Test
    void theApplicationDoesNotStart() {
        // the start must fail: QuarkusUnitTest fails this test when it does not, or when it fails otherwise (assertException)
    }
}
