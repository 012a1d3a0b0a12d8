package dev.agentdojo.bus.runtime;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;

/**
 * Provides {@code event-bus.host}: this machine's host name, part of the default
 * {@code event-bus.bridge.instance-id}. Its ordinal is below every file and the environment, so any
 * of them can set the property instead.
 */
public class HostConfigSource implements ConfigSource {

    static final String HOST = "event-bus.host";

    private final String host = hostName();

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(HOST);
    }

    @Override
    public String getValue(String propertyName) {
        return HOST.equals(propertyName) ? host : null;
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(HOST, host);
    }

    @Override
    public int getOrdinal() {
        return 50;
    }

    @Override
    public String getName() {
        return "event-bus host name";
    }
}
