package dev.agentdojo.local;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The passwords of a local server's logins (a broker's principals, a database's roles), made at
 * random the first time a login is named and kept in {@code credentials.properties} in the server's
 * directory (readable by its owner only), so that a restarted server and its clients agree. Nothing
 * here is a fixed password. Also how the servers write the other files that hold a password or may
 * show one ({@link #writePrivate}, {@link #privateLog}).
 */
public final class Credentials {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final String comment;
    private final Properties passwords = new Properties();

    /**
     * The passwords kept in {@code dir}; {@code comment} heads the file, such as
     * {@code "passwords of this broker's principals (LocalKafka); keep private"}.
     */
    public Credentials(Path dir, String comment) {
        this.file = dir.resolve("credentials.properties");
        this.comment = comment;
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                passwords.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The login's password, made and kept now if it has none yet. */
    public synchronized String password(String login) {
        String password = passwords.getProperty(login);
        if (password == null) {
            byte[] bytes = new byte[18];
            RANDOM.nextBytes(bytes);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            passwords.setProperty(login, password);
            try {
                Files.createDirectories(file.getParent());
                StringWriter text = new StringWriter();
                passwords.store(text, comment);
                writePrivate(file, text.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return password;
    }

    /** Whether the login has a password already. */
    public synchronized boolean has(String login) {
        return passwords.containsKey(login);
    }

    /** The logins that have a password, in name order. */
    public synchronized SortedSet<String> logins() {
        return new TreeSet<>(passwords.stringPropertyNames());
    }

    /**
     * Makes {@code file} a file readable and writable by its owner alone, for a log that may show a
     * login: a new one is created so (never with default permissions, made private afterwards); one
     * that exists already, left readable by others by an older version, loses those permissions
     * before anything more is written to it. Returns {@code file}, to append to.
     */
    public static Path privateLog(Path file) throws IOException {
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
    public static void writePrivate(Path file, String content) throws IOException {
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
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
