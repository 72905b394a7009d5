package io.pveha.monitoring.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.pveha.api.monitoring.ServiceCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CEL conditions of a service check, compiled against the variables of its probe. Used by the
 * operator (to run them) and by {@code validate} (to check them offline: they must compile and be
 * boolean).
 *
 * <ul>
 *   <li>every probe: {@code latencyMs} (int), {@code error} (string, empty when none);
 *   <li>http: {@code status} (int; 0 when no answer), {@code body} (the JSON body, null otherwise),
 *       {@code text} (the body as text), {@code headers} (map, lower-case names);
 *   <li>tcp: {@code connected} (bool); guestAgent: {@code responding} (bool).
 * </ul>
 */
public final class CheckConditions {
    private static final CelOptions OPTIONS =
            CelOptions.current()
                    .enableHeterogeneousNumericComparisons(true)
                    .enableRegexPartialMatch(true)
                    .build();

    public static final String HTTP = "http";
    public static final String TCP = "tcp";
    public static final String AGENT = "guestAgent";

    private static final Map<String, Cel> ENVIRONMENTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A compiled condition and its source. */
    public record Condition(String expression, CelRuntime.Program program) {}

    /** A condition that does not compile or is not boolean, with CEL's message. */
    public static final class InvalidCondition extends Exception {
        public InvalidCondition(String message) {
            super(message);
        }
    }

    private CheckConditions() {}

    public static String probeOf(ServiceCheck check) {
        if (check.getHttp() != null) {
            return HTTP;
        }
        if (check.getTcp() != null) {
            return TCP;
        }
        return AGENT;
    }

    /** The conditions of a check (its default when it lists none). */
    public static List<String> expressions(ServiceCheck check) {
        if (check.getExpect() != null && !check.getExpect().isEmpty()) {
            return check.getExpect();
        }
        return switch (probeOf(check)) {
            case HTTP -> List.of("status >= 200 && status < 400");
            case TCP -> List.of("connected");
            default -> List.of("responding");
        };
    }

    public static List<Condition> compile(ServiceCheck check) throws InvalidCondition {
        List<Condition> out = new ArrayList<>();
        for (String e : expressions(check)) {
            out.add(compile(probeOf(check), e));
        }
        return out;
    }

    public static Condition compile(String probe, String expression) throws InvalidCondition {
        Cel cel = ENVIRONMENTS.computeIfAbsent(probe, CheckConditions::environment);
        try {
            CelAbstractSyntaxTree ast = cel.compile(expression).getAst();
            if (!ast.getResultType().equals(SimpleType.BOOL)
                    && !ast.getResultType().equals(SimpleType.DYN)) {
                throw new InvalidCondition(
                        "must be a boolean expression, not " + ast.getResultType().name());
            }
            return new Condition(expression, cel.createProgram(ast));
        } catch (CelValidationException e) {
            throw new InvalidCondition(firstLine(e.getMessage()));
        } catch (CelEvaluationException e) {
            throw new InvalidCondition(firstLine(e.getMessage()));
        }
    }

    private static Cel environment(String probe) {
        var b =
                CelFactory.standardCelBuilder()
                        .setOptions(OPTIONS)
                        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                        .addVar("latencyMs", SimpleType.INT)
                        .addVar("error", SimpleType.STRING);
        switch (probe) {
            case HTTP ->
                    b.addVar("status", SimpleType.INT)
                            .addVar("body", SimpleType.DYN)
                            .addVar("text", SimpleType.STRING)
                            .addVar(
                                    "headers",
                                    MapType.create(SimpleType.STRING, SimpleType.STRING));
            case TCP -> b.addVar("connected", SimpleType.BOOL);
            default -> b.addVar("responding", SimpleType.BOOL);
        }
        return b.build();
    }

    /**
     * Evaluates every condition; returns null when all hold, else what failed ("status == 200" is
     * false, or the evaluation error).
     */
    public static String failed(List<Condition> conditions, Map<String, Object> vars) {
        for (Condition c : conditions) {
            try {
                Object r = c.program().eval(vars);
                if (!Boolean.TRUE.equals(r)) {
                    return c.expression() + " is false";
                }
            } catch (CelEvaluationException e) {
                return c.expression() + ": " + firstLine(e.getMessage());
            }
        }
        return null;
    }

    /** A JSON value as CEL sees it: objects as maps, integers as long, null as CEL null. */
    public static Object celValue(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return dev.cel.common.values.NullValue.NULL_VALUE;
        }
        if (node.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> m.put(e.getKey(), celValue(e.getValue())));
            return m;
        }
        if (node.isArray()) {
            List<Object> l = new ArrayList<>();
            node.forEach(n -> l.add(celValue(n)));
            return l;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid expression";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl > 0 ? t.substring(0, nl) : t;
    }
}
