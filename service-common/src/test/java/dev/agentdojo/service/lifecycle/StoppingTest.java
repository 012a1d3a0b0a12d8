package dev.agentdojo.service.lifecycle;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class StoppingTest {

    @Test
    void aClosedSessionOrFactoryAnywhereInTheCausesMeansStopping() {
        assertThat(Stopping.explains(new IllegalStateException("EntityManagerFactory is closed"))).isTrue();
        assertThat(Stopping.explains(new CompletionException(new IllegalStateException("Session/EntityManager is closed")))).isTrue();
    }

    @Test
    void anyOtherFailureIsNot() {
        assertThat(Stopping.explains(new IllegalStateException("order o-1 is unknown"))).isFalse();
        assertThat(Stopping.explains(new RuntimeException("is closed"))).isFalse();
        assertThat(Stopping.explains(null)).isFalse();
    }
}
