package dev.agentdojo.outbox;

import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

import java.io.FileNotFoundException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Flyway migrations read from a jar by name, for a part that keeps a schema of its own beside the
 * service's ({@link OutboxSchema}, and service-common's dead letters): listed rather than scanned
 * for, so that they are found in any packaging, a native executable's included.
 */
public final class ListedMigrations implements ResourceProvider {

    private final ClassLoader loader;
    private final String location;
    private final List<String> names;

    /** The migrations {@code names}, in order, under {@code location} (ending in '/') on {@code loader}'s class path. */
    public ListedMigrations(ClassLoader loader, String location, List<String> names) {
        this.loader = loader;
        this.location = location;
        this.names = List.copyOf(names);
    }

    @Override
    public LoadableResource getResource(String name) {
        return names.contains(name) ? new Migration(name) : null;
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String... suffixes) {
        return names.stream()
                .filter(name -> name.startsWith(prefix) && Arrays.stream(suffixes).anyMatch(name::endsWith))
                .<LoadableResource>map(Migration::new)
                .toList();
    }

    private final class Migration extends LoadableResource {

        private final String name;

        Migration(String name) {
            this.name = name;
        }

        @Override
        public Reader read() {
            InputStream in = loader.getResourceAsStream(location + name);
            if (in == null) {
                throw new UncheckedIOException(new FileNotFoundException("no " + location + name + " on the class path"));
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return location + name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return location + name;
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
