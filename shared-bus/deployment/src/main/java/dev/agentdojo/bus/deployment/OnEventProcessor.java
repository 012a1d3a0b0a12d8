package dev.agentdojo.bus.deployment;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.bus.names.EventNames;
import io.quarkus.arc.deployment.AutoAddScopeBuildItem;
import io.quarkus.arc.deployment.InvokerFactoryBuildItem;
import io.quarkus.arc.deployment.UnremovableBeanBuildItem;
import io.quarkus.arc.deployment.ValidationPhaseBuildItem.ValidationErrorBuildItem;
import io.quarkus.arc.deployment.ValidationPhaseBuildItem;
import io.quarkus.arc.processor.BeanInfo;
import io.quarkus.arc.processor.BuiltinScope;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.inject.spi.DeploymentException;
import org.jboss.jandex.AnnotationInstance;
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

/**
 * The {@code @OnEvent} methods at build time: their classes become beans that are never removed,
 * and each method is checked (its bean, modifiers, parameter, return type and names) and given an
 * invoker, as an {@link OnEventMethodBuildItem}. A method that breaks a rule fails the build with
 * an error that names it; every such method is reported at once.
 */
class OnEventProcessor {

    static final DotName ON_EVENT = DotName.createSimple(OnEvent.class);
    static final DotName EVENT = DotName.createSimple(Event.class);
    static final DotName UNI = DotName.createSimple(Uni.class);

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
            AnnotationInstance eventName = type == null ? null : type.declaredAnnotation(SharedBusProcessor.EVENT_NAME);
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
