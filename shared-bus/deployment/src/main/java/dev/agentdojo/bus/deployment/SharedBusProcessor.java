package dev.agentdojo.bus.deployment;

import dev.agentdojo.bus.EventBusProvider;
import dev.agentdojo.bus.EventName;
import dev.agentdojo.bus.core.LocalEventBusProvider;
import dev.agentdojo.bus.runtime.ArcEventBusProvider;
import dev.agentdojo.bus.runtime.BusWiring;
import dev.agentdojo.bus.runtime.OnEventRecorder;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.builder.item.SimpleBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ServiceProviderBuildItem;
import io.quarkus.deployment.recording.RecorderContext;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.vertx.deployment.EventConsumerBusinessMethodItem;
import jakarta.inject.Singleton;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The extension's build steps that make the application's bus: collects the Vert.x addresses
 * {@code @ConsumeEvent} methods consume and records them, with the {@code @OnEvent} methods
 * {@link OnEventProcessor} checked, for the bus ({@link BusWiring}); registers the typed events for
 * reflection and the providers {@code EventBus.get()} and {@code EventBus.create()} find. The Dev UI
 * card is {@link DevUiProcessor}'s.
 */
class SharedBusProcessor {

    static final String FEATURE = "agent-dojo-events";

    static final DotName EVENT_NAME = DotName.createSimple(EventName.class);

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    /** Typed events are read and written by reflection (their components) and Jackson: a native image must know them. */
    @BuildStep
    ReflectiveClassBuildItem typedEventsForReflection(CombinedIndexBuildItem index) {
        String[] records = index.getIndex().getAnnotations(EVENT_NAME).stream()
                .filter(a -> a.target().kind() == AnnotationTarget.Kind.CLASS)
                .map(a -> a.target().asClass().name().toString())
                .distinct()
                .toArray(String[]::new);
        return ReflectiveClassBuildItem.builder(records).constructors().methods().fields().build();
    }

    /** The application's {@link BusWiring}, empty until {@link #wire} fills it. */
    static final class WiringBuildItem extends SimpleBuildItem {
        final RuntimeValue<BusWiring> wiring;

        WiringBuildItem(RuntimeValue<BusWiring> wiring) {
            this.wiring = wiring;
        }
    }

    /**
     * Makes the wiring, a synthetic bean the bus's producer injects. It is filled by {@link #wire},
     * which needs the validated beans, at static init too: both run before the bean is first made.
     */
    @BuildStep
    @Record(ExecutionTime.STATIC_INIT)
    void wiring(OnEventRecorder recorder, BuildProducer<WiringBuildItem> wiring, BuildProducer<SyntheticBeanBuildItem> beans) {
        RuntimeValue<BusWiring> value = recorder.wiring();
        wiring.produce(new WiringBuildItem(value));
        beans.produce(SyntheticBeanBuildItem.configure(BusWiring.class)
                .scope(Singleton.class)
                .unremovable()
                .runtimeValue(value)
                .done());
    }

    /**
     * Records the wiring: Vert.x addresses first, then each {@code @OnEvent} method, in a stable order
     * (by bean and method) so that listeners of one event run in the same order on every start.
     */
    @BuildStep
    @Record(ExecutionTime.STATIC_INIT)
    void wire(OnEventRecorder recorder, RecorderContext context, WiringBuildItem wiring,
              List<OnEventMethodBuildItem> methods, List<EventConsumerBusinessMethodItem> consumers) {
        Set<String> addresses = new TreeSet<>();
        boolean everywhere = false;
        for (EventConsumerBusinessMethodItem consumer : consumers) {
            AnnotationValue value = consumer.getConsumeEvent().value();
            String address = value == null || value.asString().isEmpty()
                    ? consumer.getBean().getBeanClass().toString()
                    : value.asString();
            if (address.contains("${")) {
                everywhere = true; // resolved from configuration at run time
            } else {
                addresses.add(address);
            }
        }
        recorder.consumedAt(wiring.wiring, addresses, everywhere);
        methods.stream()
                .sorted((a, b) -> a.description.compareTo(b.description))
                .forEach(m -> m.names.forEach(name -> recorder.listen(wiring.wiring, name, m.kind, m.once, m.record,
                        context.newInstance(m.invoker.getClassName()), m.description)));
    }

    /**
     * {@code EventBus.get()} finds the application's CDI bus through the extension's provider, and
     * {@code EventBus.create()} makes a standalone bus through the core's, in a native image too.
     */
    @BuildStep
    ServiceProviderBuildItem lookup() {
        return new ServiceProviderBuildItem(EventBusProvider.class.getName(),
                ArcEventBusProvider.class.getName(), LocalEventBusProvider.class.getName());
    }
}
