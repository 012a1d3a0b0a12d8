package dev.agentdojo.outbox.deployment;

import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourceDirectoryBuildItem;

/**
 * The outbox extension at build time. Its beans (the outbox, its schema, the relay and its
 * readiness check) are found through the runtime jar's index; what is left is to name the feature
 * in the start-up line and to keep the outbox's migrations in a native image.
 */
class OutboxProcessor {

    private static final String FEATURE = "agentdojo-outbox";

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    @BuildStep
    NativeImageResourceDirectoryBuildItem migrations() {
        return new NativeImageResourceDirectoryBuildItem("db/outbox");
    }
}
