package dev.agentdojo.bus.bridge;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a Kafka client of the application logs in to the broker: the {@code security.protocol},
 * {@code sasl.*} and {@code ssl.*} settings it has for its channels, so that the clients the bridge
 * makes itself (the event log's tail, readiness checks) log in as the channels do.
 */
public final class KafkaLogin {

    private KafkaLogin() {
    }

    /** Whether a Kafka client setting is part of how it logs in. */
    public static boolean isLoginSetting(String key) {
        return key.equals("security.protocol") || key.startsWith("sasl.") || key.startsWith("ssl.");
    }

    /**
     * The login settings under {@code kafka.} (every channel's defaults), overridden by those of the
     * incoming channel ({@code mp.messaging.incoming.agent-dojo-in.}).
     */
    static Map<String, String> of(KafkaConfig kafka, IncomingChannelConfig channel) {
        Map<String, String> login = new HashMap<>();
        for (Map<String, String> settings : List.of(kafka.all(), channel.all())) {
            settings.forEach((name, value) -> {
                if (isLoginSetting(name)) {
                    login.put(name, value);
                }
            });
        }
        return login;
    }
}
