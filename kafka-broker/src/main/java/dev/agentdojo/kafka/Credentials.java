package dev.agentdojo.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import java.util.Set;

/**
 * The passwords of a local broker's principals, made at random the first time a principal is
 * named and kept in {@code credentials.properties} in the broker's directory (readable by its owner
 * only), so that a restarted broker and its clients agree. Nothing here is a fixed password.
 */
final class Credentials {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Properties passwords = new Properties();

    Credentials(Path dir) {
        this.file = dir.resolve("credentials.properties");
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                passwords.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The principal's password, made and kept now if it has none yet. */
    synchronized String password(String principal) {
        String password = passwords.getProperty(principal);
        if (password == null) {
            byte[] bytes = new byte[18];
            RANDOM.nextBytes(bytes);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            passwords.setProperty(principal, password);
            try {
                Files.createDirectories(file.getParent());
                java.io.StringWriter text = new java.io.StringWriter();
                passwords.store(text, "passwords of this broker's principals (LocalKafka); keep private");
                writePrivate(file, text.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return password;
    }

    /** The principals that have a password, in name order. */
    synchronized java.util.SortedSet<String> principals() {
        return new java.util.TreeSet<>(passwords.stringPropertyNames());
    }

    /**
     * Makes {@code file} a file readable and writable by its owner alone, for a log that may show a
     * login: a new one is created so (never with default permissions, made private afterwards); one
     * that exists already, left readable by others by an older version, loses those permissions
     * before anything more is written to it. Returns {@code file}, to append to.
     */
    static Path privateLog(Path file) throws IOException {
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // a file system without POSIX permissions: the directory's own protection applies
            return file;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
        } catch (FileAlreadyExistsException exists) {
            if (!Files.getPosixFilePermissions(file).equals(ownerOnly)) {
                Files.setPosixFilePermissions(file, ownerOnly);
            }
        }
        return file;
    }

    /**
     * Writes a file that holds a password, readable and writable by its owner only from the moment
     * it exists: written to a new file made with those permissions, then moved in its place (never
     * a file with default permissions, made private afterwards).
     */
    static void writePrivate(Path file, String content) throws IOException {
        Path temp;
        try {
            temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: the directory's own protection applies
            Files.writeString(file, content);
            return;
        }
        try {
            Files.writeString(temp, content);
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
