package dev.agentdojo.outbox;

import dev.agentdojo.bus.Bridge;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The topic through the bridge's own channel, for a connector without a broker to fence with (the
 * in-memory connector of the services' tests): each record {@linkplain Bridge#publish published}
 * and waited for.
 */
final class BridgeOutput implements RelayOutput {

    private static final long ANSWER_WITHIN_SECONDS = 30;

    private final Bridge bridge;

    BridgeOutput(Bridge bridge) {
        this.bridge = bridge;
    }

    @Override
    public void send(List<SourceRecord> batch) throws NotTaken, InterruptedException {
        List<CompletableFuture<Void>> sent = new ArrayList<>(batch.size());
        for (SourceRecord record : batch) {
            sent.add(bridge.publish(String.valueOf(record.key()), (String) record.value(), RelayOutput.headers(record)).toCompletableFuture());
        }
        for (CompletableFuture<Void> each : sent) {
            try {
                each.get(ANSWER_WITHIN_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new NotTaken(true, e.getCause());
            } catch (TimeoutException e) {
                throw new NotTaken(false, e);
            }
        }
    }

    @Override
    public boolean usable() {
        return true;
    }

    @Override
    public void close() {
        // the channel is the application's: it stays
    }
}
