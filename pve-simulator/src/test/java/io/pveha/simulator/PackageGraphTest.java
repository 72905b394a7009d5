package io.pveha.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the simulator's package graph acyclic and layered, as {@code
 * src/main/java/io/pveha/simulator/DESIGN.md} draws it. It reads the main sources: every reference
 * to an {@code io.pveha.simulator} type outside the {@code package} line (imports, static imports,
 * wildcard imports, fully qualified names, also in javadoc) is an edge from the file's package to
 * the type's package. No bytecode, no extra dependency.
 *
 * <p>When it fails, it names the packages, the files and the types that make the cycle or the
 * forbidden edge. A new package goes into {@link #LAYERS} (and into DESIGN.md).
 */
class PackageGraphTest {
    private static final String BASE = "io.pveha.simulator";

    /** The root package (PveSimulator, SimCluster, the views), as short names show it. */
    private static final String ROOT = "(root)";

    /**
     * Bottom to top; a package may use packages of lower layers only (so also not its neighbours in
     * the same layer: the modules do not know each other).
     */
    private static final List<Set<String>> LAYERS =
            List.of(
                    Set.of("model", "clock"),
                    Set.of("tasks"),
                    Set.of("ops"),
                    Set.of("faults"),
                    Set.of("api"),
                    Set.of("api.routes", "spi"),
                    Set.of("ha", "ceph", "backup"),
                    Set.of("persist", "control"),
                    Set.of(ROOT),
                    Set.of("cli"));

    /** PVE without its add-ons; what the SPI may hand out. */
    private static final Set<String> CORE =
            Set.of("model", "clock", "tasks", "ops", "faults", "api", "api.routes");

    private static final Set<String> MODULES = Set.of("ha", "ceph", "backup");

    private static final Pattern TYPE_REF =
            Pattern.compile("\\b" + Pattern.quote(BASE) + "((?:\\.[a-z_][\\w]*)*)\\.[A-Z]\\w*");
    private static final Pattern WILDCARD_IMPORT =
            Pattern.compile(
                    "^import\\s+" + Pattern.quote(BASE) + "((?:\\.[a-z_][\\w]*)*)\\.\\*\\s*;",
                    Pattern.MULTILINE);
    private static final Pattern PACKAGE =
            Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    /** from package, to package, the references ({@code File.java: referenced.Type}). */
    private static Map<String, Map<String, Set<String>>> graph;

    private static int files;

    @BeforeAll
    static void readSources() throws IOException {
        graph = new TreeMap<>();
        files = 0;
        Path root = mainSources().resolve(BASE.replace('.', '/'));
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path file : paths.filter(p -> p.toString().endsWith(".java")).toList()) {
                read(file);
                files++;
            }
        }
    }

    @Test
    void packagesDoNotDependOnEachOtherInACycle() {
        List<String> cycles = new ArrayList<>();
        for (Set<String> component : stronglyConnected(edgesOf(graph))) {
            cycles.add(describeCycle(component));
        }
        assertThat(cycles)
                .as("package cycles in %s (break them: see DESIGN.md beside the sources)", BASE)
                .isEmpty();
    }

    @Test
    void everyPackageUsesOnlyLowerLayers() {
        List<String> violations = new ArrayList<>();
        for (String from : packages()) {
            int layer = layerOf(from);
            if (layer < 0) {
                violations.add(
                        from + " is in no layer: add it to PackageGraphTest.LAYERS and DESIGN.md");
                continue;
            }
            graph.getOrDefault(from, Map.of())
                    .forEach(
                            (to, refs) -> {
                                int target = layerOf(to);
                                if (target >= layer) {
                                    violations.add(
                                            from
                                                    + " (layer "
                                                    + layer
                                                    + ") -> "
                                                    + to
                                                    + " (layer "
                                                    + target
                                                    + "): "
                                                    + refs);
                                }
                            });
        }
        assertThat(violations).as("edges that do not go down the layers of DESIGN.md").isEmpty();
    }

    @Test
    void theSpiHandsOutCoreTypesOnly() {
        assertThat(targetsOf("spi")).as("packages spi uses").isSubsetOf(CORE);
    }

    @Test
    void modulesUseTheCoreAndTheSpiOnly() {
        Set<String> allowed = new TreeSet<>(CORE);
        allowed.add("spi");
        for (String module : MODULES) {
            assertThat(targetsOf(module)).as("packages %s uses", module).isSubsetOf(allowed);
        }
    }

    @Test
    void theControlApiDoesNotSeeTheSimulatorsWiring() {
        assertThat(targetsOf("control"))
                .as("packages control uses")
                .doesNotContain(ROOT, "persist", "api.routes", "spi", "ops", "tasks", "model");
    }

    /** Guards against a vacuous pass (wrong directory, a parser that sees nothing). */
    @Test
    void theScannerSeesTheSources() {
        assertThat(files).isGreaterThan(50);
        assertThat(targetsOf("ops")).contains("model", "tasks");
        assertThat(targetsOf(ROOT)).contains("spi", "control", "ha");
        assertThat(targetsOf("cli")).contains(ROOT);
    }

    @Test
    void theCycleFinderFindsCycles() {
        Map<String, Set<String>> edges =
                Map.of(
                        "a",
                        Set.of("b"),
                        "b",
                        Set.of("c", "d"),
                        "c",
                        Set.of("a"),
                        "d",
                        Set.of(),
                        "e",
                        Set.of("e", "a"),
                        "f",
                        Set.of("g"),
                        "g",
                        Set.of("f"));
        assertThat(stronglyConnected(edges))
                .containsExactlyInAnyOrder(Set.of("a", "b", "c"), Set.of("f", "g"));
        assertThat(shortestCycle(Set.of("a", "b", "c"), edges)).containsExactly("a", "b", "c", "a");
    }

    // ---- reading
    // ---------------------------------------------------------------------------------

    private static void read(Path file) throws IOException {
        String source = Files.readString(file);
        Matcher pkg = PACKAGE.matcher(source);
        if (!pkg.find()) {
            throw new IllegalStateException("no package declaration in " + file);
        }
        String from = shortName(pkg.group(1));
        graph.computeIfAbsent(from, k -> new TreeMap<>());
        String body = source.substring(0, pkg.start()) + source.substring(pkg.end());
        Matcher ref = TYPE_REF.matcher(body);
        while (ref.find()) {
            addEdge(from, shortName(BASE + ref.group(1)), file.getFileName() + ": " + ref.group());
        }
        Matcher wildcard = WILDCARD_IMPORT.matcher(body);
        while (wildcard.find()) {
            addEdge(
                    from,
                    shortName(BASE + wildcard.group(1)),
                    file.getFileName() + ": " + wildcard.group());
        }
    }

    private static void addEdge(String from, String to, String evidence) {
        graph.computeIfAbsent(to, k -> new TreeMap<>());
        if (!from.equals(to)) {
            graph.get(from).computeIfAbsent(to, k -> new TreeSet<>()).add(evidence);
        }
    }

    private static String shortName(String pkg) {
        return pkg.equals(BASE) ? ROOT : pkg.substring(BASE.length() + 1);
    }

    /**
     * {@code pve-simulator/src/main/java}, found from the test classes ({@code
     * target/test-classes}).
     */
    private static Path mainSources() {
        try {
            Path testClasses =
                    Path.of(
                            PackageGraphTest.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            for (Path dir :
                    List.of(testClasses.getParent().getParent(), Path.of("").toAbsolutePath())) {
                Path sources = dir.resolve("src/main/java");
                if (Files.isDirectory(sources.resolve(BASE.replace('.', '/')))) {
                    return sources;
                }
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        throw new UncheckedIOException(new IOException("cannot find pve-simulator/src/main/java"));
    }

    // ---- the graph
    // -------------------------------------------------------------------------------

    private static Set<String> packages() {
        return graph.keySet();
    }

    private static Set<String> targetsOf(String pkg) {
        return graph.getOrDefault(pkg, Map.of()).keySet();
    }

    private static int layerOf(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, Set<String>> edgesOf(Map<String, Map<String, Set<String>>> g) {
        Map<String, Set<String>> edges = new TreeMap<>();
        g.forEach((from, targets) -> edges.put(from, new TreeSet<>(targets.keySet())));
        return edges;
    }

    /**
     * One cycle through the component, then every edge inside it with the references that make it.
     */
    private static String describeCycle(Set<String> component) {
        StringBuilder text =
                new StringBuilder(
                        "{"
                                + String.join(", ", component)
                                + "}, e.g. "
                                + String.join(" -> ", shortestCycle(component, edgesOf(graph)))
                                + "; edges:");
        for (String from : component) {
            graph.get(from)
                    .forEach(
                            (to, refs) -> {
                                if (component.contains(to)) {
                                    text.append("\n  ")
                                            .append(from)
                                            .append(" -> ")
                                            .append(to)
                                            .append(": ")
                                            .append(abridged(refs));
                                }
                            });
        }
        return text.toString();
    }

    private static String abridged(Set<String> refs) {
        List<String> shown = refs.stream().limit(3).toList();
        return String.join(", ", shown)
                + (refs.size() > shown.size()
                        ? " and " + (refs.size() - shown.size()) + " more"
                        : "");
    }

    /**
     * Tarjan's algorithm; components of more than one package (self-references are not edges here).
     */
    static List<Set<String>> stronglyConnected(Map<String, Set<String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> result = new ArrayList<>();
        for (String start : new TreeSet<>(edges.keySet())) {
            if (!index.containsKey(start)) {
                connect(start, edges, index, low, stack, onStack, result);
            }
        }
        return result;
    }

    private static void connect(
            String v,
            Map<String, Set<String>> edges,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            List<Set<String>> result) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, Set.of())) {
            if (w.equals(v)) {
                continue;
            }
            if (!index.containsKey(w)) {
                connect(w, edges, index, low, stack, onStack, result);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                result.add(component);
            }
        }
    }

    /**
     * The shortest cycle through the component's first package (breadth first, inside the
     * component).
     */
    static List<String> shortestCycle(Set<String> component, Map<String, Set<String>> edges) {
        String start = new TreeSet<>(component).first();
        Map<String, String> parent = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String v = queue.poll();
            for (String w : new TreeSet<>(edges.getOrDefault(v, Set.of()))) {
                if (w.equals(start)) {
                    List<String> path = new ArrayList<>(List.of(start));
                    for (String at = v; !at.equals(start); at = parent.get(at)) {
                        path.add(0, at);
                    }
                    path.add(0, start);
                    return path;
                }
                if (component.contains(w) && !parent.containsKey(w)) {
                    parent.put(w, v);
                    queue.add(w);
                }
            }
        }
        return List.of(start);
    }
}
