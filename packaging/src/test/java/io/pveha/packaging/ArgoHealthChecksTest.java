package io.pveha.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pveha.reconciler.Reason;
import io.pveha.testing.RealTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;

/**
 * The Argo CD health checks: the committed files are what {@link HealthChecks} makes from the
 * operator's reasons, every case of every {@code health_test.yaml} gives its expected status and
 * message in two Lua engines restricted to what Argo CD gives such scripts, and every reason of
 * every kind is classified as its {@link Reason.Health} says (a reason added to an enum and not to
 * the script fails here).
 */
class ArgoHealthChecksTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final boolean UPDATE = Boolean.getBoolean("pveha.update");

    @Test
    void committedFilesAreWhatTheReasonsMake() throws IOException {
        List<String> stale = new ArrayList<>();
        for (String kind : HealthChecks.KINDS.keySet()) {
            Path dir = HealthChecks.kindDir(kind);
            check(dir.resolve("health.lua"), HealthChecks.script(kind), stale);
            check(dir.resolve("health_test.yaml"), HealthChecks.healthTest(kind), stale);
            for (HealthChecks.Case c : HealthChecks.cases(kind)) {
                check(dir.resolve("testdata").resolve(c.file()), c.yaml(), stale);
            }
            try (Stream<Path> files = Files.list(dir.resolve("testdata"))) {
                List<String> expected =
                        HealthChecks.cases(kind).stream().map(HealthChecks.Case::file).toList();
                files.filter(f -> !expected.contains(f.getFileName().toString()))
                        .forEach(f -> stale.add(f + " (not a case)"));
            }
        }
        check(
                HealthChecks.root().resolve("argocd-cm-health.yaml"),
                HealthChecks.argocdCmPatch(),
                stale);
        assertThat(stale)
                .as(
                        "out of date; write them with: mvn -B -pl packaging -am test -Dtest=ArgoHealthChecksTest "
                                + "-Dsurefire.failIfNoSpecifiedTests=false -Dpveha.update=true -Dimage.skip=true")
                .isEmpty();
    }

    private static void check(Path file, String content, List<String> stale) throws IOException {
        if (Files.exists(file) && Files.readString(file).equals(content)) {
            return;
        }
        if (UPDATE) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } else {
            stale.add(file.toString());
        }
    }

    @Test
    void everyHealthTestCasePassesInLuaj() throws IOException {
        int cases = 0;
        for (String kind : HealthChecks.KINDS.keySet()) {
            String script = Files.readString(HealthChecks.kindDir(kind).resolve("health.lua"));
            for (Expected e : expectations(kind)) {
                assertThat(luaj(script, e.resource))
                        .as(kind + " " + e.input)
                        .isEqualTo(List.of(e.status, e.message));
                cases++;
            }
        }
        assertThat(cases).isGreaterThanOrEqualTo(5 * 6);
    }

    @Test
    void everyHealthTestCasePassesInDebiansLua51() throws Exception {
        RealTools.require("lua5.1");
        for (String kind : HealthChecks.KINDS.keySet()) {
            Path script = HealthChecks.kindDir(kind).resolve("health.lua");
            for (Expected e : expectations(kind)) {
                assertThat(lua51(script, e.resource))
                        .as(kind + " " + e.input)
                        .isEqualTo(List.of(e.status, e.message));
            }
        }
    }

    @Test
    void everyReasonOfEveryKindIsClassifiedAsItsHealthSays() throws Exception {
        boolean lua51 = RealTools.inCi() || isOnPath("lua5.1");
        if (RealTools.inCi()) {
            RealTools.require("lua5.1");
        }
        int checked = 0;
        for (Map.Entry<String, List<Reason>> kind : HealthChecks.KINDS.entrySet()) {
            Path file = HealthChecks.kindDir(kind.getKey()).resolve("health.lua");
            String script = Files.readString(file);
            for (Reason reason : kind.getValue()) {
                String expected = HealthChecks.argoStatus(reason.health());
                if (expected == null) {
                    continue; // Event-only: never a condition's reason
                }
                String readyStatus = reason.health() == Reason.Health.HEALTHY ? "True" : "False";
                Map<String, Object> resource =
                        resource(
                                kind.getKey(),
                                readyStatus,
                                reason.name(),
                                "the message of " + reason.name());
                String what =
                        kind.getKey()
                                + " Ready="
                                + readyStatus
                                + " "
                                + reason.name()
                                + " ("
                                + reason.health()
                                + ")";
                assertThat(luaj(script, resource))
                        .as(what)
                        .containsExactly(
                                expected,
                                reason.health() == Reason.Health.SUSPENDED
                                        ? "the message of " + reason.name()
                                        : "the message of " + reason.name());
                if (lua51) {
                    assertThat(lua51(file, resource))
                            .as(what + " in lua5.1")
                            .containsExactly(expected, "the message of " + reason.name());
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void aReasonTheScriptDoesNotKnowIsNeverHealthyUnlessReadyIsTrue() throws IOException {
        String script = Files.readString(HealthChecks.kindDir("HaVm").resolve("health.lua"));
        assertThat(luaj(script, resource("HaVm", "False", "SomethingNew", "new")))
                .containsExactly(
                        "Unknown",
                        "Ready is False with a reason this check does not know (SomethingNew): new");
        assertThat(luaj(script, resource("HaVm", "True", "SomethingNew", "new")))
                .containsExactly("Healthy", "new");
    }

    @Test
    void aHealthyReasonWithReadyFalseIsStillProgressing() throws IOException {
        String script = Files.readString(HealthChecks.kindDir("HaVm").resolve("health.lua"));
        assertThat(luaj(script, resource("HaVm", "False", "Ready", "not yet")))
                .containsExactly("Progressing", "not yet");
    }

    private static Map<String, Object> resource(
            String kind, String readyStatus, String reason, String message) {
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", "Ready");
        condition.put("status", readyStatus);
        condition.put("reason", reason);
        condition.put("message", message);
        condition.put("observedGeneration", 7);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("observedGeneration", 7);
        status.put("conditions", List.of(condition));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", "x");
        metadata.put("generation", 7);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", "pveha.io/v1alpha1");
        out.put("kind", kind);
        out.put("metadata", metadata);
        out.put("status", status);
        return out;
    }

    record Expected(String input, String status, String message, Map<String, Object> resource) {}

    @SuppressWarnings("unchecked")
    private static List<Expected> expectations(String kind) throws IOException {
        Path dir = HealthChecks.kindDir(kind);
        Map<String, Object> tests =
                YAML.readValue(dir.resolve("health_test.yaml").toFile(), Map.class);
        List<Expected> out = new ArrayList<>();
        for (Map<String, Object> t : (List<Map<String, Object>>) tests.get("tests")) {
            Map<String, Object> health = (Map<String, Object>) t.get("healthStatus");
            String input = (String) t.get("inputPath");
            out.add(
                    new Expected(
                            input,
                            (String) health.get("status"),
                            (String) health.get("message"),
                            YAML.readValue(dir.resolve(input).toFile(), Map.class)));
        }
        return out;
    }

    /**
     * luaj with only the base, package and table libraries (as Argo CD without useOpenLibs): status
     * and message.
     */
    static List<String> luaj(String script, Map<String, Object> resource) {
        Globals globals = new Globals();
        globals.load(new JseBaseLib());
        globals.load(new PackageLib());
        globals.load(new TableLib());
        LoadState.install(globals);
        LuaC.install(globals);
        assertThat(globals.get("string").isnil()).isTrue();
        assertThat(globals.get("math").isnil()).isTrue();
        globals.set("obj", toLua(resource));
        LuaValue hs = globals.load(script, "health.lua").call();
        return List.of(hs.get("status").tojstring(), hs.get("message").tojstring());
    }

    private static LuaValue toLua(Object value) {
        if (value == null) {
            return LuaValue.NIL;
        }
        if (value instanceof Map<?, ?> map) {
            LuaTable table = new LuaTable();
            map.forEach((k, v) -> table.set(k.toString(), toLua(v)));
            return table;
        }
        if (value instanceof List<?> list) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < list.size(); i++) {
                table.set(i + 1, toLua(list.get(i)));
            }
            return table;
        }
        if (value instanceof Integer || value instanceof Long) {
            return LuaValue.valueOf(((Number) value).longValue());
        }
        if (value instanceof Number n) {
            return LuaValue.valueOf(n.doubleValue());
        }
        if (value instanceof Boolean b) {
            return LuaValue.valueOf(b);
        }
        return LuaValue.valueOf(value.toString());
    }

    /**
     * Debian's lua5.1 (the language version of Argo CD's gopher-lua): the script runs in an
     * environment without the string, math, io, os, debug and coroutine libraries, and strings have
     * no methods.
     */
    static List<String> lua51(Path script, Map<String, Object> resource) throws Exception {
        Path harness = Files.createTempFile("argocd-health", ".lua");
        try {
            Files.writeString(
                    harness,
                    """
                    local write = io.write
                    local obj = %s
                    local env = {}
                    for k, v in pairs(_G) do env[k] = v end
                    env.string, env.math, env.io, env.os, env.debug, env.coroutine = nil, nil, nil, nil, nil, nil
                    env.obj = obj
                    local f = assert(loadfile(arg[1]))
                    setfenv(f, env)
                    getmetatable("").__index = nil
                    local hs = f()
                    write(tostring(hs.status), "\\n", tostring(hs.message), "\\n")
                    """
                            .formatted(luaLiteral(resource)));
            Process p =
                    new ProcessBuilder("lua5.1", harness.toString(), script.toString())
                            .redirectErrorStream(true)
                            .start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("lua5.1 timed out");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            return List.of(out.split("\n", -1)).subList(0, 2);
        } finally {
            Files.deleteIfExists(harness);
        }
    }

    private static String luaLiteral(Object value) {
        if (value == null) {
            return "nil";
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            map.forEach(
                    (k, v) ->
                            out.append("[")
                                    .append(luaLiteral(k.toString()))
                                    .append("] = ")
                                    .append(luaLiteral(v))
                                    .append(", "));
            return out.append("}").toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder out = new StringBuilder("{");
            list.forEach(v -> out.append(luaLiteral(v)).append(", "));
            return out.append("}").toString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        StringBuilder out = new StringBuilder("\"");
        for (byte b : value.toString().getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '"' || c == '\\') {
                out.append('\\').append((char) c);
            } else if (c < 32 || c >= 127) {
                out.append('\\').append(c);
            } else {
                out.append((char) c);
            }
        }
        return out.append("\"").toString();
    }

    private static boolean isOnPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
