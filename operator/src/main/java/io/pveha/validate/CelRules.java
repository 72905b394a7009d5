package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelProtoAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.expr.CheckedExpr;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The x-kubernetes-validations rules of one kind, compiled once and evaluated like the apiserver
 * does (apiextensions-apiserver pkg/apiserver/schema/cel/validation.go):
 *
 * <ul>
 *   <li>{@code self} is typed from the schema node the rule sits on, so a rule naming a field the
 *       schema does not declare fails to compile when the CRDs are loaded, as it would when the CRD
 *       is applied;
 *   <li>integers are int64, numbers double (an integer written where a number is declared becomes a
 *       double), absent fields are absent (has() is false), nulls and undeclared fields are
 *       dropped;
 *   <li>rules that use {@code oldSelf} (transition rules) run only when an old object is given and
 *       the node existed in it; list items are never correlated (our lists are not
 *       x-kubernetes-list-type=map);
 *   <li>a failed rule yields {@code Invalid value} with the rule's message (or messageExpression,
 *       or "failed rule: RULE"); the value is omitted for objects and lists, as Kubernetes 1.34+
 *       does.
 * </ul>
 *
 * Not implemented: the runtime cost budget, optionalOldSelf and the CEL libraries Kubernetes adds
 * to the standard ones (strings and sets extensions, quantity, url, ip, cidr, format, k8s lists):
 * none of our rules uses them, a rule that does fails to compile in the build, and loading
 * cel-java's strings and sets extensions would cost a quarter of a second at every start. Add them
 * here (compiler and runtime) when needed.
 *
 * <p>Type-checking is what makes start-up slow on a cold JVM (about a second for our rules), so the
 * build type-checks the bundled rules once and stores the checked expressions ({@link
 * CelAstCache}); a rule found there with the same location and text only needs a program. Anything
 * not in the cache is compiled here. Compiled programs are immutable; evaluation is thread-safe.
 */
final class CelRules {
    private static final CelOptions OPTIONS =
            CelOptions.current()
                    .enableHeterogeneousNumericComparisons(true)
                    .enableRegexPartialMatch(true)
                    .build();

    /**
     * One runtime for programs made from precompiled checked expressions; they need no
     * declarations.
     */
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private final Map<String, byte[]> precompiled;
    private final Map<String, CelAbstractSyntaxTree> checked = new LinkedHashMap<>();
    private final Map<Schema, List<CompiledRule>> rulesByNode = new IdentityHashMap<>();
    private final Map<Schema, CelType> types = new IdentityHashMap<>();
    private final Map<String, CelType> structsByName = new LinkedHashMap<>();
    private final CelTypeProvider typeProvider =
            new CelTypeProvider() {
                @Override
                public ImmutableCollection<CelType> types() {
                    return ImmutableList.copyOf(structsByName.values());
                }

                @Override
                public Optional<CelType> findType(String typeName) {
                    return Optional.ofNullable(structsByName.get(typeName));
                }
            };

    private record CompiledRule(
            Schema.ValidationRule source,
            CelRuntime.Program program,
            CelRuntime.Program messageProgram,
            boolean usesOldSelf) {}

    /**
     * Prepares every rule below {@code root}, from {@code precompiled} checked expressions (keyed
     * by {@link #cacheKey}) where present, else by compiling; throws IllegalStateException naming
     * the first rule that does not compile.
     */
    CelRules(Schema root, Map<String, byte[]> precompiled) {
        this.precompiled = precompiled;
        compileAll(root);
    }

    /** The cache key of a rule (or of its messageExpression): where it sits and its text. */
    static String cacheKey(Schema node, String expression) {
        return node.location + "\n" + expression;
    }

    /**
     * The checked expressions this instance compiled itself (not those taken from the cache), by
     * cache key.
     */
    Map<String, byte[]> checkedExpressions() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        checked.forEach(
                (key, ast) ->
                        out.put(
                                key,
                                CelProtoAbstractSyntaxTree.fromCelAst(ast)
                                        .toCheckedExpr()
                                        .toByteArray()));
        return out;
    }

    boolean isEmpty() {
        return rulesByNode.isEmpty();
    }

    int ruleCount() {
        return rulesByNode.values().stream().mapToInt(List::size).sum();
    }

    private void compileAll(Schema node) {
        if (!node.rules.isEmpty()) {
            Cel cel = null;
            List<CompiledRule> compiled = new ArrayList<>();
            for (Schema.ValidationRule rule : node.rules) {
                boolean cached =
                        precompiled.containsKey(cacheKey(node, rule.rule()))
                                && (rule.messageExpression().isEmpty()
                                        || precompiled.containsKey(
                                                cacheKey(node, rule.messageExpression())));
                if (!cached && cel == null) {
                    cel = environment(node);
                }
                compiled.add(cached ? fromCache(node, rule) : compile(cel, node, rule));
            }
            rulesByNode.put(node, List.copyOf(compiled));
        }
        node.properties.values().forEach(this::compileAll);
        if (node.items != null) {
            compileAll(node.items);
        }
        if (node.additionalProperties != null) {
            compileAll(node.additionalProperties);
        }
    }

    /**
     * A compiler for the rules of one node: {@code self} and {@code oldSelf} have the node's type.
     */
    private Cel environment(Schema node) {
        return CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setTypeProvider(typeProvider)
                .addVar("self", typeOf(node))
                .addVar("oldSelf", typeOf(node))
                .build();
    }

    private CompiledRule fromCache(Schema node, Schema.ValidationRule rule) {
        try {
            CelAbstractSyntaxTree ast = cachedAst(node, rule.rule());
            CelRuntime.Program messageProgram =
                    rule.messageExpression().isEmpty()
                            ? null
                            : RUNTIME.createProgram(cachedAst(node, rule.messageExpression()));
            return new CompiledRule(
                    rule, RUNTIME.createProgram(ast), messageProgram, usesOldSelf(ast));
        } catch (CelEvaluationException | InvalidProtocolBufferException e) {
            throw new IllegalStateException(
                    "precompiled CEL rule at " + node.location + " is unusable: " + rule.rule(), e);
        }
    }

    private CelAbstractSyntaxTree cachedAst(Schema node, String expression)
            throws InvalidProtocolBufferException {
        return CelProtoAbstractSyntaxTree.fromCheckedExpr(
                        CheckedExpr.parseFrom(precompiled.get(cacheKey(node, expression))))
                .getAst();
    }

    private CompiledRule compile(Cel cel, Schema node, Schema.ValidationRule rule) {
        try {
            CelAbstractSyntaxTree ast = cel.compile(rule.rule()).getAst();
            if (!ast.getResultType().equals(SimpleType.BOOL)
                    && !ast.getResultType().equals(SimpleType.DYN)) {
                throw new IllegalStateException(
                        "rule at "
                                + node.location
                                + " must return bool, not "
                                + ast.getResultType().name()
                                + ": "
                                + rule.rule());
            }
            checked.put(cacheKey(node, rule.rule()), ast);
            CelRuntime.Program messageProgram = null;
            if (!rule.messageExpression().isEmpty()) {
                CelAbstractSyntaxTree messageAst = cel.compile(rule.messageExpression()).getAst();
                checked.put(cacheKey(node, rule.messageExpression()), messageAst);
                messageProgram = cel.createProgram(messageAst);
            }
            return new CompiledRule(rule, cel.createProgram(ast), messageProgram, usesOldSelf(ast));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalStateException(
                    "CEL rule at "
                            + node.location
                            + " does not compile: "
                            + rule.rule()
                            + "\n"
                            + e.getMessage(),
                    e);
        }
    }

    private static boolean usesOldSelf(CelAbstractSyntaxTree ast) {
        return CelNavigableAst.fromAst(ast)
                .getRoot()
                .allNodes()
                .map(n -> n.expr())
                .anyMatch(
                        e ->
                                e.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT
                                        && e.ident().name().equals("oldSelf"));
    }

    /**
     * The CEL type Kubernetes derives from a schema node (DeclType): objects are structs with their
     * fields.
     */
    private CelType typeOf(Schema node) {
        CelType known = types.get(node);
        if (known != null) {
            return known;
        }
        CelType type;
        if (node.intOrString || node.preserveUnknownFields) {
            type = SimpleType.DYN;
        } else {
            switch (node.type) {
                case "string" -> type = SimpleType.STRING;
                case "integer" -> type = SimpleType.INT;
                case "number" -> type = SimpleType.DOUBLE;
                case "boolean" -> type = SimpleType.BOOL;
                case "array" ->
                        type =
                                ListType.create(
                                        node.items == null ? SimpleType.DYN : typeOf(node.items));
                case "object" ->
                        type =
                                node.additionalProperties != null
                                        ? MapType.create(
                                                SimpleType.STRING,
                                                typeOf(node.additionalProperties))
                                        : structOf(node);
                default -> type = SimpleType.DYN;
            }
        }
        types.put(node, type);
        return type;
    }

    private CelType structOf(Schema node) {
        String name = "pveha.schema." + node.location.replace("[*]", ".items");
        Map<String, Schema> fields = node.properties;
        StructType struct =
                StructType.create(
                        name,
                        ImmutableSet.copyOf(fields.keySet()),
                        field ->
                                fields.containsKey(field)
                                        ? Optional.of(typeOf(fields.get(field)))
                                        : Optional.empty());
        structsByName.put(name, struct);
        fields.values().forEach(this::typeOf);
        return struct;
    }

    /**
     * Evaluates every rule at and below {@code node}. {@code old} is the same node in the old
     * object, or null on create; transition rules are skipped without it.
     */
    void evaluate(JsonNode data, JsonNode old, Schema node, String path, List<FieldError> out) {
        if (data == null || data.isNull() || data.isMissingNode()) {
            return;
        }
        List<CompiledRule> rules = rulesByNode.get(node);
        if (rules != null) {
            Object self = CelValues.of(data, node);
            Object oldSelf =
                    old == null || old.isNull() || old.isMissingNode()
                            ? null
                            : CelValues.of(old, node);
            for (CompiledRule rule : rules) {
                if (rule.usesOldSelf() && oldSelf == null) {
                    continue;
                }
                evaluateRule(rule, self, oldSelf, data, node, path, out);
            }
        }
        if (data.isObject()) {
            for (Map.Entry<String, Schema> property : node.properties.entrySet()) {
                JsonNode child = data.get(property.getKey());
                if (child != null && property.getValue().hasRulesBelow()) {
                    JsonNode oldChild =
                            old != null && old.isObject() ? old.get(property.getKey()) : null;
                    evaluate(
                            child,
                            oldChild,
                            property.getValue(),
                            FieldPaths.child(path, property.getKey()),
                            out);
                }
            }
            if (node.additionalProperties != null && node.additionalProperties.hasRulesBelow()) {
                data.fields()
                        .forEachRemaining(
                                e ->
                                        evaluate(
                                                e.getValue(),
                                                old != null && old.isObject()
                                                        ? old.get(e.getKey())
                                                        : null,
                                                node.additionalProperties,
                                                FieldPaths.child(path, e.getKey()),
                                                out));
            }
        } else if (data.isArray() && node.items != null && node.items.hasRulesBelow()) {
            for (int i = 0; i < data.size(); i++) {
                evaluate(data.get(i), null, node.items, FieldPaths.index(path, i), out);
            }
        }
    }

    private static void evaluateRule(
            CompiledRule rule,
            Object self,
            Object oldSelf,
            JsonNode data,
            Schema node,
            String path,
            List<FieldError> out) {
        Map<String, Object> activation = new LinkedHashMap<>();
        activation.put("self", self);
        if (oldSelf != null) {
            activation.put("oldSelf", oldSelf);
        }
        Schema.ValidationRule source = rule.source();
        Object value =
                "object".equals(node.type) || "array".equals(node.type)
                        ? FieldError.OMIT
                        : CelValues.scalar(data);
        Object result;
        try {
            result = rule.program().eval(activation);
        } catch (CelEvaluationException e) {
            out.add(
                    FieldError.invalid(
                            path,
                            value,
                            evaluationError(e) + " evaluating rule: " + ruleErrorString(source)));
            return;
        }
        if (Boolean.TRUE.equals(result)) {
            return;
        }
        String detail = null;
        if (rule.messageProgram() != null) {
            try {
                Object message = rule.messageProgram().eval(activation);
                if (message instanceof String s && !s.isBlank() && !s.contains("\n")) {
                    detail = s.trim();
                }
            } catch (CelEvaluationException e) {
                // The apiserver falls back to the static message when messageExpression fails to
                // evaluate.
                detail = null;
            }
        }
        if (detail == null) {
            detail =
                    source.message().isBlank()
                            ? "failed rule: " + source.rule().trim()
                            : source.message().trim();
        }
        String fieldPath = source.fieldPath().isEmpty() ? path : path + source.fieldPath();
        out.add(
                switch (source.reason()) {
                    case "FieldValueForbidden" -> FieldError.forbidden(fieldPath, detail);
                    case "FieldValueRequired" -> FieldError.required(fieldPath, detail);
                    case "FieldValueDuplicate" -> FieldError.duplicate(fieldPath, value, detail);
                    default -> FieldError.invalid(fieldPath, value, detail);
                });
    }

    private static String ruleErrorString(Schema.ValidationRule rule) {
        return rule.message().isBlank() ? rule.rule().trim() : rule.message().trim();
    }

    /**
     * cel-java says "evaluation error at <input>:12: key 'x' is not present in map."; keep the
     * cause only.
     */
    private static String evaluationError(CelEvaluationException e) {
        String message = e.getMessage() == null ? "evaluation error" : e.getMessage();
        return message.replaceFirst("^evaluation error at <input>:\\d+: ", "")
                .replaceFirst("\\.$", "");
    }
}
