package dev.agentdojo.kafka;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What one principal may do on the local broker: the topics it writes, the topics it reads
 * ({@code *}: all of them), the consumer group it may join and the transactional ids it may
 * produce with.
 *
 * @param principal        the SCRAM user name, e.g. {@code order-service}
 * @param writes           topics it may write (and that are created for it)
 * @param reads            topics it may read
 * @param group            the consumer group it may join, if it consumes as a group
 * @param transactionalIds the {@code transactional.id}s its transactional producers may use (a
 *                         service's outbox relay: a new relay leader fences the old one at the broker)
 */
public record Access(String principal, List<String> writes, List<String> reads, Optional<String> group,
                     List<String> transactionalIds) {

    public Access {
        if (principal == null || !principal.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("a principal is 1-64 letters, digits, '.', '_' or '-': " + principal);
        }
        writes = List.copyOf(writes);
        reads = List.copyOf(reads);
        transactionalIds = List.copyOf(transactionalIds);
        for (String topic : concat(writes, reads)) {
            if (!topic.equals("*") && !topic.matches("[A-Za-z0-9._-]{1,249}")) {
                throw new IllegalArgumentException("not a topic name: " + topic);
            }
        }
        for (String id : transactionalIds) {
            if (!id.matches("[A-Za-z0-9._-]{1,249}")) {
                throw new IllegalArgumentException("a transactional id is 1-249 letters, digits, '.', '_' or '-': " + id);
            }
        }
    }

    /** An access without transactional ids. */
    public Access(String principal, List<String> writes, List<String> reads, Optional<String> group) {
        this(principal, writes, reads, group, List.of());
    }

    /**
     * One line of {@code access.properties}: {@code principal = writes | reads | group} or
     * {@code principal = writes | reads | group | transactional ids}, each list separated by commas,
     * any part may be empty.
     */
    public static Access parse(String line) {
        int equals = line.indexOf('=');
        String[] parts = equals < 0 ? new String[0] : line.substring(equals + 1).split("\\|", -1);
        if (parts.length != 3 && parts.length != 4) {
            throw new IllegalArgumentException("expected 'principal = writes | reads | group [| transactional ids]', got: " + line);
        }
        String group = parts[2].trim();
        return new Access(line.substring(0, equals).trim(), list(parts[0]), list(parts[1]),
                group.isEmpty() ? Optional.empty() : Optional.of(group), parts.length == 4 ? list(parts[3]) : List.of());
    }

    /** The access of this project's principals ({@code access.properties} beside this class). */
    static List<Access> defaults() {
        List<Access> all = new ArrayList<>();
        try (InputStream in = Access.class.getResourceAsStream("access.properties");
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank() && !line.stripLeading().startsWith("#")) {
                    all.add(parse(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * The ACLs that allow what this access gives: write and describe its writes, read and describe
     * its reads, read its group, write and describe its transactional ids.
     */
    public List<AclBinding> aclBindings() {
        String user = "User:" + principal;
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : writes) {
            acls.add(allow(ResourceType.TOPIC, topic, user, AclOperation.WRITE));
            acls.add(allow(ResourceType.TOPIC, topic, user, AclOperation.DESCRIBE));
        }
        for (String topic : reads) {
            acls.add(allow(ResourceType.TOPIC, topic, user, AclOperation.READ));
            acls.add(allow(ResourceType.TOPIC, topic, user, AclOperation.DESCRIBE));
        }
        group.ifPresent(group -> acls.add(allow(ResourceType.GROUP, group, user, AclOperation.READ)));
        for (String id : transactionalIds) {
            acls.add(allow(ResourceType.TRANSACTIONAL_ID, id, user, AclOperation.WRITE));
            acls.add(allow(ResourceType.TRANSACTIONAL_ID, id, user, AclOperation.DESCRIBE));
        }
        return acls;
    }

    private static AclBinding allow(ResourceType type, String name, String principal, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
