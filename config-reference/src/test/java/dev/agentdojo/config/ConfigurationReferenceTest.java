package dev.agentdojo.config;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import io.quarkus.runtime.annotations.ConfigDocMapKey;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import org.junit.jupiter.api.Test;

import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code docs/configuration.md} is written from the code: every {@code @ConfigMapping} interface in
 * the main code of the repository's modules (found in their sources, read by reflection from this
 * module's class path), each key with its type and default, described by the javadoc of its method.
 * The test fails when the file differs from what it would write, and says how to write it again;
 * with {@code -Dconfig.doc.write=true} it writes it. One part of the file is kept by hand, between
 * {@link #HAND_KEPT_START} and {@link #HAND_KEPT_END}: Quarkus's own keys that the project sets.
 */
class ConfigurationReferenceTest {

    static final Path ROOT = Path.of(System.getProperty("config.reference.root", "..")).toAbsolutePath().normalize();
    static final Path FILE = ROOT.resolve("docs/configuration.md");
    static final String HAND_KEPT_START = "<!-- kept by hand: start -->";
    static final String HAND_KEPT_END = "<!-- kept by hand: end -->";
    static final String WRITE = "config.doc.write";
    static final String REGENERATE = "./mvnw -B -pl config-reference -am package -Dtest=ConfigurationReferenceTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dconfig.doc.write=true";
    /** The key namespaces that are the project's own: every key under them must be documented here. */
    static final List<String> OWN = List.of("event-bus", "service", "orders", "payment", "tracing", "agentdojo");

    /** A mapping found in the sources: its interface and the file it is declared in. */
    record Mapping(Class<?> type, Path source) {
        String prefix() {
            return type.getAnnotation(ConfigMapping.class).prefix();
        }

        boolean own() {
            return OWN.stream().anyMatch(ns -> prefix().equals(ns) || prefix().startsWith(ns + "."));
        }

        String module() {
            String path = ROOT.relativize(source).toString().replace('\\', '/');
            return path.substring(0, path.indexOf("/src/main/java/"));
        }
    }

    /** One documented key. */
    record Key(String name, String type, String defaultValue, String description) {
        /** Whether {@code property} is this key, or an entry of this map ({@code "<name>"} or {@code *} stands for its key). */
        boolean covers(String property) {
            int hole = name.indexOf("\"<");
            if (hole < 0 && name.endsWith(".*")) {
                hole = name.length() - 1;
            }
            return hole < 0 ? name.equals(property) : property.startsWith(name.substring(0, hole));
        }
    }

    @Test
    void theReferenceIsWhatTheCodeSays() throws IOException {
        Javadoc javadoc = new Javadoc();
        List<Mapping> mappings = mappings(javadoc);
        List<String> undocumented = new ArrayList<>();
        Map<Mapping, List<Key>> keys = new LinkedHashMap<>();
        for (Mapping mapping : mappings) {
            List<Key> list = new ArrayList<>();
            keys(mapping.type(), mapping.prefix(), javadoc, list, undocumented);
            keys.put(mapping, list);
        }
        assertThat(undocumented).as("every key of a @ConfigMapping has a javadoc comment: its description in docs/configuration.md")
                .isEmpty();

        String current = Files.exists(FILE) ? Files.readString(FILE) : "";
        String expected = render(keys, handKept(current), javadoc);
        if (Boolean.getBoolean(WRITE)) {
            Files.writeString(FILE, expected);
            System.out.println("Wrote " + FILE);
        } else if (!expected.equals(current)) {
            fail("docs/configuration.md is not what the code's @ConfigMapping interfaces and their javadoc say ("
                    + firstDifference(current, expected) + "). Write it again with\n  " + REGENERATE
                    + "\n(the part between '" + HAND_KEPT_START + "' and '" + HAND_KEPT_END + "' is kept as it is).");
        }

        List<Key> all = keys.values().stream().flatMap(List::stream).toList();
        List<String> missing = new ArrayList<>();
        for (String property : ownPropertiesSet()) {
            if (all.stream().noneMatch(key -> key.covers(property))) {
                missing.add(property);
            }
        }
        assertThat(missing).as("the project's own keys set in its properties files are keys of a @ConfigMapping, and so documented")
                .isEmpty();
    }

    // ---- finding the mappings -------------------------------------------------------------------

    /** Every {@code @ConfigMapping} interface in the main code of the modules (the benchmarks' harness aside). */
    static List<Mapping> mappings(Javadoc javadoc) throws IOException {
        List<Path> sources = files(p -> p.toString().endsWith(".java") && p.toString().replace('\\', '/').contains("/src/main/java/"))
                .stream().filter(ConfigurationReferenceTest::declaresAMapping).toList();
        List<Mapping> mappings = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        for (Path source : sources) {
            for (String name : javadoc.read(source)) {
                try {
                    Class<?> type = Class.forName(name, false, ConfigurationReferenceTest.class.getClassLoader());
                    if (type.isAnnotationPresent(ConfigMapping.class)) {
                        mappings.add(new Mapping(type, source));
                    }
                } catch (ClassNotFoundException e) {
                    notFound.add(name + " (" + ROOT.relativize(source) + ")");
                }
            }
        }
        assertThat(notFound).as("every @ConfigMapping is on config-reference's class path: its module is a dependency in "
                + "config-reference/pom.xml, and built with it (-am), not an older build from the local repository").isEmpty();
        assertThat(mappings).as("the mappings found").isNotEmpty();
        mappings.sort(Comparator.comparing(Mapping::prefix));
        return mappings;
    }

    /** The repository's files that {@code wanted} takes, sorted; build output, Git and the benchmarks' harness left out. */
    static List<Path> files(java.util.function.Predicate<Path> wanted) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(ROOT, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attributes) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean skip = !dir.equals(ROOT) && (name.startsWith(".") || name.equals("target") || name.equals("node_modules")
                        || dir.equals(ROOT.resolve("benchmarks")));
                return skip ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attributes) {
                if (wanted.test(file)) {
                    found.add(file);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        found.sort(Comparator.naturalOrder());
        return found;
    }

    private static boolean declaresAMapping(Path file) {
        try {
            return Files.readString(file).contains("@ConfigMapping");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- the keys of a mapping ------------------------------------------------------------------

    /** The keys {@code type} maps under {@code prefix}, in the order of its source; groups are followed. */
    static void keys(Class<?> type, String prefix, Javadoc javadoc, List<Key> keys, List<String> undocumented) {
        ConfigMapping.NamingStrategy naming = type.isAnnotationPresent(ConfigMapping.class)
                ? type.getAnnotation(ConfigMapping.class).namingStrategy() : ConfigMapping.NamingStrategy.KEBAB_CASE;
        List<Method> methods = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (Modifier.isAbstract(method.getModifiers()) && method.getParameterCount() == 0) {
                methods.add(method);
            }
        }
        methods.sort(Comparator.comparingInt(m -> javadoc.order(m.getDeclaringClass(), m.getName())));
        for (Method method : methods) {
            String name;
            if (method.isAnnotationPresent(WithParentName.class)) {
                name = prefix;
            } else {
                String own = method.isAnnotationPresent(WithName.class) ? method.getAnnotation(WithName.class).value()
                        : naming.apply(method.getName());
                name = prefix.isEmpty() ? own : prefix + "." + own;
            }
            String doc = javadoc.of(method.getDeclaringClass(), method.getName());
            if (doc == null) {
                undocumented.add(method.getDeclaringClass().getName() + "#" + method.getName());
                doc = "";
            }
            Type returned = method.getGenericReturnType();
            boolean optional = false;
            if (returned instanceof ParameterizedType p && p.getRawType() == java.util.Optional.class) {
                optional = true;
                returned = p.getActualTypeArguments()[0];
            }
            String defaultValue = method.isAnnotationPresent(WithDefault.class) ? "`" + method.getAnnotation(WithDefault.class).value() + "`"
                    : optional ? "none" : "required";
            if (returned instanceof ParameterizedType p && p.getRawType() == Map.class) {
                Type values = p.getActualTypeArguments()[1];
                String key = method.isAnnotationPresent(WithParentName.class) ? "*"
                        : "\"<" + (method.isAnnotationPresent(ConfigDocMapKey.class) ? method.getAnnotation(ConfigDocMapKey.class).value() : "name") + ">\"";
                if (isGroup(values)) {
                    keys(raw(values), name + "." + key, javadoc, keys, undocumented);
                } else {
                    keys.add(new Key(name + "." + key, typeName(values), method.isAnnotationPresent(WithDefault.class) ? defaultValue : "none",
                            doc));
                }
            } else if (isGroup(returned)) {
                keys(raw(returned), name, javadoc, keys, undocumented);
            } else {
                keys.add(new Key(name, typeName(returned), defaultValue, doc));
            }
        }
    }

    private static boolean isGroup(Type type) {
        Class<?> raw = raw(type);
        return raw.isInterface() && !raw.getName().startsWith("java.");
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    static String typeName(Type type) {
        if (type instanceof ParameterizedType p && (p.getRawType() == List.class || p.getRawType() == java.util.Set.class)) {
            return "list of " + typeName(p.getActualTypeArguments()[0]) + " (comma-separated)";
        }
        Class<?> raw = raw(type);
        return switch (raw.getName()) {
            case "java.lang.String" -> "string";
            case "int", "java.lang.Integer" -> "int";
            case "long", "java.lang.Long" -> "long";
            case "boolean", "java.lang.Boolean" -> "boolean";
            case "java.time.Duration" -> "duration";
            case "java.math.BigDecimal" -> "decimal";
            case "io.quarkus.runtime.configuration.MemorySize" -> "memory size";
            default -> raw.getSimpleName();
        };
    }

    // ---- the file -------------------------------------------------------------------------------

    static String render(Map<Mapping, List<Key>> keys, String handKept, Javadoc javadoc) {
        StringBuilder out = new StringBuilder();
        out.append("""
                # Configuration

                <!-- Written by config-reference's ConfigurationReferenceTest from the code's @ConfigMapping interfaces and
                     their javadoc; edit those, not this file (but for the part kept by hand), and write it again with
                     %s -->

                Every setting of the project, from its `@ConfigMapping` interfaces: each key with its type, its
                default and what it does (the javadoc of its method). Set one in `application.properties`, with
                `-Dkey=value`, or as an environment variable (`EVENT_BUS_HISTORY_SIZE` for `event-bus.history-size`;
                a key in quotes, such as a topic's, only in a properties file or with `-D`). A key under the prefix
                of one of the project's run-time mappings that no mapping knows (a typo), or a value of the wrong
                type, stops the service at start, naming the key; so do the checks the code makes of the values (a
                lease shorter than three retry waits, say).
                The defaults work with `scripts/kafka.sh` and `scripts/postgres.sh`; a `duration` is written `200ms`,
                `10s`, `2m`…, a `memory size` `64K`, `2M`…

                """.formatted(REGENERATE));
        out.append(handKept).append("\n\n");
        out.append("## The project's own settings\n\n");
        keys.forEach((mapping, list) -> {
            if (mapping.own()) {
                section(out, mapping, list, javadoc);
            }
        });
        out.append("""
                ## Keys of Quarkus, SmallRye Reactive Messaging and Kafka that the code reads

                These belong to Quarkus, SmallRye Reactive Messaging and the Kafka client, which document them; the
                code reads them through small mappings of its own (below: what it reads them for). A default here
                is the one the code assumes when the key is not set, not necessarily that of the key's owner.

                """);
        keys.forEach((mapping, list) -> {
            if (!mapping.own()) {
                section(out, mapping, list, javadoc);
            }
        });
        return out.toString().stripTrailing() + "\n";
    }

    private static void section(StringBuilder out, Mapping mapping, List<Key> keys, Javadoc javadoc) {
        Javadoc.Doc doc = javadoc.docOf(mapping.type());
        out.append("### `").append(mapping.prefix()).append("`\n\n");
        String summary = doc == null ? "" : doc.text();
        ConfigRoot root = mapping.type().getAnnotation(ConfigRoot.class);
        String phase = root == null ? "" : root.phase() == ConfigPhase.BUILD_TIME ? " Read at build time."
                : root.phase() == ConfigPhase.BUILD_AND_RUN_TIME_FIXED ? " Fixed at build time." : "";
        out.append(summary).append(phase).append(" `").append(mapping.type().getSimpleName()).append("` in `")
                .append(mapping.module()).append("`.\n\n");
        out.append("| key | type | default | description |\n|---|---|---|---|\n");
        for (Key key : keys) {
            out.append("| `").append(key.name()).append("` | ").append(key.type()).append(" | ").append(cell(key.defaultValue()))
                    .append(" | ").append(cell(key.description())).append(" |\n");
        }
        out.append('\n');
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    /** The part of {@code current} kept by hand, markers included; a stub where there is none yet. */
    static String handKept(String current) {
        int start = current.indexOf(HAND_KEPT_START);
        int end = current.indexOf(HAND_KEPT_END);
        if (start >= 0 && end > start) {
            return current.substring(start, end + HAND_KEPT_END.length());
        }
        return HAND_KEPT_START + "\n## Quarkus's own keys that the project sets\n\n" + HAND_KEPT_END;
    }

    private static String firstDifference(String current, String expected) {
        String[] a = current.split("\n", -1);
        String[] b = expected.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "<end of file>";
            String y = i < b.length ? b[i] : "<end of file>";
            if (!x.equals(y)) {
                return "line " + (i + 1) + " is\n  " + x + "\nand would be\n  " + y;
            }
        }
        return "no line differs";
    }

    /** The keys under the project's own namespaces that its properties files set, profiles left out. */
    static TreeSet<String> ownPropertiesSet() throws IOException {
        TreeSet<String> keys = new TreeSet<>();
        List<Path> files = files(p -> (p.getFileName().toString().equals("application.properties")
                        || p.getFileName().toString().equals("microprofile-config.properties"))
                && p.toString().replace('\\', '/').contains("/src/main/resources/"));
        for (Path file : files) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            for (String name : properties.stringPropertyNames()) {
                String key = name.startsWith("%") ? name.substring(name.indexOf('.') + 1) : name;
                if (OWN.stream().anyMatch(ns -> key.startsWith(ns + "."))) {
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    // ---- javadoc, from the sources --------------------------------------------------------------

    /** The javadoc of the mappings and their methods, read from their source files with javac's parser. */
    static final class Javadoc {

        record Doc(String text, int order) {
        }

        /** By binary class name: the class's own doc, and each method's by name. */
        private final Map<String, Doc> classes = new LinkedHashMap<>();
        private final Map<String, Map<String, Doc>> methods = new LinkedHashMap<>();

        /** Reads {@code source}; answers the binary names of the types it declares. */
        List<String> read(Path source) throws IOException {
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            List<String> names = new ArrayList<>();
            try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
                JavacTask task = (JavacTask) compiler.getTask(null, files, diagnostic -> { }, List.of("-proc:none"), null,
                        files.getJavaFileObjects(source));
                Trees trees = Trees.instance(task);
                for (CompilationUnitTree unit : task.parse()) {
                    String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString() + ".";
                    new TreePathScanner<Void, String>() {
                        @Override
                        public Void visitClass(ClassTree node, String outer) {
                            TreePath here = getCurrentPath();
                            String name = outer == null ? pkg + node.getSimpleName() : outer + "$" + node.getSimpleName();
                            names.add(name);
                            classes.put(name, doc(trees, here, 0));
                            Map<String, Doc> own = methods.computeIfAbsent(name, n -> new LinkedHashMap<>());
                            int order = 0;
                            for (Tree member : node.getMembers()) {
                                if (member instanceof MethodTree method) {
                                    own.put(method.getName().toString(), doc(trees, new TreePath(here, member), order++));
                                } else if (member instanceof ClassTree) {
                                    scan(new TreePath(here, member), name);
                                }
                            }
                            return null;
                        }
                    }.scan(new TreePath(unit), null);
                }
            }
            return names;
        }

        private static Doc doc(Trees trees, TreePath path, int order) {
            String comment = trees.getDocComment(path);
            return new Doc(comment == null ? null : markdown(comment), order);
        }

        Doc docOf(Class<?> type) {
            return classes.get(type.getName());
        }

        String of(Class<?> type, String method) {
            Doc doc = methods.getOrDefault(type.getName(), Map.of()).get(method);
            return doc == null ? null : doc.text();
        }

        int order(Class<?> type, String method) {
            Doc doc = methods.getOrDefault(type.getName(), Map.of()).get(method);
            return doc == null ? Integer.MAX_VALUE : doc.order();
        }

        /** A javadoc comment as one line of Markdown: its text before the block tags, inline tags rendered. */
        static String markdown(String comment) {
            String text = comment.split("\n\\s*@(param|return|see|throws|since)\\b", 2)[0].replaceAll("\\s+", " ").trim();
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < text.length()) {
                int open = text.indexOf("{@", i);
                if (open < 0) {
                    out.append(text, i, text.length());
                    break;
                }
                out.append(text, i, open);
                int depth = 0;
                int close = open;
                for (; close < text.length(); close++) {
                    char c = text.charAt(close);
                    if (c == '{') {
                        depth++;
                    } else if (c == '}' && --depth == 0) {
                        break;
                    }
                }
                String inner = text.substring(open + 2, Math.min(close, text.length()));
                int space = inner.indexOf(' ');
                String tag = space < 0 ? inner : inner.substring(0, space);
                String body = space < 0 ? "" : inner.substring(space + 1).trim();
                out.append(inline(tag, body));
                i = close + 1;
            }
            return out.toString()
                    .replaceAll("</?(em|i)>", "*").replaceAll("</?(b|strong)>", "**")
                    .replaceAll("</?(p|ul|ol|li|br|pre|tt|h[1-6])\\s*/?>", " ")
                    .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                    .replaceAll("\\s+", " ").trim();
        }

        /** An inline tag: {@code code} as code, a link as the name it links to (a mapping's method as its key's name), or its label. */
        private static String inline(String tag, String body) {
            if (tag.equals("code") || tag.equals("literal")) {
                return "`" + body + "`";
            }
            int space = body.indexOf(' ');
            String target = space < 0 ? body : body.substring(0, space);
            String label = space < 0 ? null : body.substring(space + 1).trim();
            if (label != null) {
                return tag.equals("linkplain") ? label : "`" + label + "`";
            }
            if (target.startsWith("#")) {
                return "`" + ConfigMapping.NamingStrategy.KEBAB_CASE.apply(target.substring(1).replaceAll("\\(.*", "")) + "`";
            }
            return "`" + target.substring(target.lastIndexOf('.') + 1).replace('#', '.') + "`";
        }
    }
}
