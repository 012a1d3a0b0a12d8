package dev.agentdojo.bus.deployment;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusProvider;
import dev.agentdojo.bus.EventName;
import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.bus.core.LocalEventBusProvider;
import dev.agentdojo.bus.names.EventNames;
import dev.agentdojo.bus.runtime.ArcEventBusProvider;
import dev.agentdojo.bus.runtime.BusWiring;
import dev.agentdojo.bus.runtime.OnEventRecorder;
import io.quarkus.arc.deployment.AutoAddScopeBuildItem;
import io.quarkus.arc.deployment.InvokerFactoryBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.arc.deployment.UnremovableBeanBuildItem;
import io.quarkus.arc.deployment.ValidationPhaseBuildItem.ValidationErrorBuildItem;
import io.quarkus.arc.deployment.ValidationPhaseBuildItem;
import io.quarkus.arc.processor.BeanInfo;
import io.quarkus.arc.processor.BuiltinScope;
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
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.inject.Singleton;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The extension's build steps: finds and checks the {@code @OnEvent} methods, generates an invoker
 * for each, collects the Vert.x addresses {@code @ConsumeEvent} methods consume, and records both
 * for the application's bus ({@link BusWiring}).
 */
class SharedBusProcessor {

    static final String FEATURE = "agent-dojo-events";

    static final DotName ON_EVENT = DotName.createSimple(OnEvent.class);
    static final DotName EVENT_NAME = DotName.createSimple(EventName.class);
    static final DotName EVENT = DotName.createSimple(Event.class);
    static final DotName UNI = DotName.createSimple(Uni.class);

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    /** A class with {@code @OnEvent} methods and no scope becomes a {@code @Singleton} bean. */
    @BuildStep
    AutoAddScopeBuildItem listenersAreBeans() {
        return AutoAddScopeBuildItem.builder()
                .containsAnnotations(ON_EVENT)
                .defaultScope(BuiltinScope.SINGLETON)
                .reason("it declares @OnEvent methods")
                .build();
    }

    /** Nothing injects a listener bean: the bus calls it. */
    @BuildStep
    UnremovableBeanBuildItem keepListenerBeans() {
        return new UnremovableBeanBuildItem(bean -> bean.isClassBean()
                && bean.getTarget().map(target -> target.asClass().hasAnnotation(ON_EVENT)).orElse(false));
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

    @BuildStep
    void findListeners(ValidationPhaseBuildItem validation, InvokerFactoryBuildItem invokers, CombinedIndexBuildItem index,
                       BuildProducer<OnEventMethodBuildItem> methods, BuildProducer<ValidationErrorBuildItem> errors) {
        Map<DotName, BeanInfo> beans = new HashMap<>();
        for (BeanInfo bean : validation.getContext().beans().classBeans()) {
            beans.put(bean.getBeanClass(), bean);
        }
        List<Throwable> problems = new ArrayList<>();
        for (AnnotationInstance annotation : index.getIndex().getAnnotations(ON_EVENT)) {
            MethodInfo method = annotation.target().asMethod();
            try {
                methods.produce(check(method, annotation, beans.get(method.declaringClass().name()), index.getIndex(), invokers));
            } catch (IllegalArgumentException e) {
                problems.add(new DeploymentException("@OnEvent method " + describe(method) + ": " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            errors.produce(new ValidationErrorBuildItem(problems));
        }
    }

    private static OnEventMethodBuildItem check(MethodInfo method, AnnotationInstance annotation, BeanInfo bean,
                                                IndexView index, InvokerFactoryBuildItem invokers) {
        require(bean != null, "its class is not a bean (an abstract class or an interface?); declare it on a bean class");
        require(!Modifier.isStatic(method.flags()), "must not be static");
        require(!Modifier.isPrivate(method.flags()), "must not be private");
        require(method.parametersCount() == 1,
                "must take exactly one parameter, the Event or a typed event (a record annotated with @EventName); it takes "
                        + method.parametersCount());

        Type parameter = method.parameterType(0);
        String typedName = null;
        String record = "";
        if (!parameter.name().equals(EVENT)) {
            ClassInfo type = index.getClassByName(parameter.name());
            AnnotationInstance eventName = type == null ? null : type.declaredAnnotation(EVENT_NAME);
            require(type != null && type.isRecord() && eventName != null, "takes " + parameter.name()
                    + ", which is neither the Event nor a typed event (a record annotated with @EventName)");
            typedName = eventName.value().asString();
            record = parameter.name().toString();
        }

        boolean blocking = bool(annotation, "blocking");
        String kind;
        if (method.returnType().kind() == Type.Kind.VOID) {
            kind = blocking ? "BLOCKING" : "SYNC";
        } else {
            require(method.returnType().name().equals(UNI), "must return void or Uni, not " + method.returnType());
            require(!blocking, "blocking = true is for methods that return void: a Uni is not awaited on a worker thread");
            kind = "ASYNC";
        }

        AnnotationValue value = annotation.value();
        List<String> given = value == null ? List.of() : Arrays.asList(value.asStringArray());
        Set<String> names = new LinkedHashSet<>();
        for (String name : given) {
            require(names.add(name), "names '" + name + "' twice");
        }
        if (names.isEmpty()) {
            require(typedName != null, "names no event: give @OnEvent a name or pattern, or take a typed event");
            names.add(typedName);
        }
        for (String name : names) {
            EventNames.requireNameOrPattern(name);
            if (typedName != null) {
                require(name.equals(typedName), "takes " + parameter.name() + ", which is event '" + typedName
                        + "', but listens to '" + name + "'; a typed event is read from its own event only");
            }
        }
        return new OnEventMethodBuildItem(List.copyOf(names), kind, bool(annotation, "once"), record,
                invokers.createInvoker(bean, method).withInstanceLookup().build(), describe(method));
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

    private static String describe(MethodInfo method) {
        StringBuilder out = new StringBuilder(method.declaringClass().name().toString()).append('#').append(method.name()).append('(');
        for (int i = 0; i < method.parametersCount(); i++) {
            String type = method.parameterType(i).name().toString();
            out.append(i == 0 ? "" : ", ").append(type.substring(Math.max(type.lastIndexOf('.'), type.lastIndexOf('$')) + 1));
        }
        return out.append(')').toString();
    }

    private static boolean bool(AnnotationInstance annotation, String name) {
        AnnotationValue value = annotation.value(name);
        return value != null && value.asBoolean();
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }
}
