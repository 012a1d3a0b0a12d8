package dev.agentdojo.orders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of PostgreSQL that, while {@linkplain #loseCommitReplies armed}, passes a
 * client's {@code COMMIT} on to the server and loses the server's reply: the client's connection
 * is reset as the reply would arrive, the server's is kept a moment longer so that it commits.
 * What a client sees is exactly a network that broke while {@code COMMIT}'s answer was on its way.
 * Everything else passes untouched.
 */
final class CommitReplyLosingProxy implements AutoCloseable {

    private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listening;
    private final int serverPort;
    private final AtomicBoolean losing = new AtomicBoolean();
    private final AtomicInteger lost = new AtomicInteger();

    CommitReplyLosingProxy(int serverPort) throws IOException {
        this.serverPort = serverPort;
        this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "commit-reply-losing-proxy");
        accepting.setDaemon(true);
        accepting.start();
    }

    int port() {
        return listening.getLocalPort();
    }

    /** Whether to lose the replies to {@code COMMIT} from now on. */
    void loseCommitReplies(boolean lose) {
        losing.set(lose);
    }

    /** How many replies to {@code COMMIT} were lost so far. */
    int lost() {
        return lost.get();
    }

    private void accept() {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort), 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                AtomicBoolean doomed = new AtomicBoolean();
                pump(client, server, doomed, true);
                pump(server, client, doomed, false);
            } catch (IOException e) {
                if (!listening.isClosed()) {
                    System.err.println("proxy: " + e);
                }
            }
        }
    }

    /** Copies {@code from} to {@code to}; from the client, arms {@code doomed} on a COMMIT while losing. */
    private void pump(Socket from, Socket to, AtomicBoolean doomed, boolean fromClient) {
        Thread copying = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (!fromClient && doomed.get()) {
                        continue; // the server's reply to COMMIT, and everything after it, is lost
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                    if (fromClient && losing.get() && contains(buffer, n, COMMIT)) {
                        doomed.set(true);
                        lost.incrementAndGet();
                        Thread.sleep(50); // the reply is on its way: the client's connection breaks now
                        from.setSoLinger(true, 0);
                        from.close();
                        Thread.sleep(1_000); // the server had the whole COMMIT long before; it ends its session afterwards
                        to.close();
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // one side went away: the other goes too
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "commit-reply-losing-proxy-" + (fromClient ? "up" : "down"));
        copying.setDaemon(true);
        copying.start();
    }

    private static boolean contains(byte[] buffer, int length, byte[] text) {
        outer:
        for (int i = 0; i + text.length <= length; i++) {
            for (int j = 0; j < text.length; j++) {
                if (buffer[i + j] != text[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listening.close();
    }
}
