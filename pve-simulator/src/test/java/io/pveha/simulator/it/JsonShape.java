package io.pveha.simulator.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Compares the shape of two JSON documents: the same field names with the same JSON types (numbers
 * are one type: PVE prints {@code 0} and {@code 0.25} for the same field). Documented variants are
 * allowed by naming paths: optional fields ({@code data[].tags}), maps with data-dependent keys
 * whose values are compared against the reference's first value ({@code data.blockstat}), and array
 * entries of a {@code type} the reference has no example of ({@code sdn}).
 */
final class JsonShape {
    private final Set<String> optional = new HashSet<>();
    private final Set<String> dynamic = new HashSet<>();
    private final Set<String> extraTypes = new HashSet<>();
    private final List<String> problems = new ArrayList<>();

    static JsonShape rules() {
        return new JsonShape();
    }

    JsonShape optional(String... paths) {
        optional.addAll(List.of(paths));
        return this;
    }

    JsonShape dynamic(String... paths) {
        dynamic.addAll(List.of(paths));
        return this;
    }

    JsonShape extraTypes(String... types) {
        extraTypes.addAll(List.of(types));
        return this;
    }

    /** Every difference found; empty when the shapes match. */
    List<String> compare(JsonNode reference, JsonNode actual) {
        problems.clear();
        compare("", reference, actual);
        return List.copyOf(problems);
    }

    private void compare(String path, JsonNode reference, JsonNode actual) {
        if (!family(reference).equals(family(actual))) {
            problems.add(
                    path
                            + ": reference is "
                            + family(reference)
                            + ", simulator gives "
                            + family(actual));
            return;
        }
        if (reference.isObject()) {
            if (dynamic.contains(path)) {
                Iterator<JsonNode> first = reference.elements();
                if (first.hasNext()) {
                    JsonNode sample = first.next();
                    actual.fields()
                            .forEachRemaining(e -> compare(path + ".*", sample, e.getValue()));
                }
                return;
            }
            reference
                    .fieldNames()
                    .forEachRemaining(
                            name -> {
                                String child = join(path, name);
                                if (!actual.has(name)) {
                                    if (!optional.contains(child)) {
                                        problems.add(child + ": missing in simulator answer");
                                    }
                                } else {
                                    compare(child, reference.get(name), actual.get(name));
                                }
                            });
            actual.fieldNames()
                    .forEachRemaining(
                            name -> {
                                String child = join(path, name);
                                if (!reference.has(name) && !optional.contains(child)) {
                                    problems.add(child + ": not in reference answer");
                                }
                            });
        } else if (reference.isArray() && !reference.isEmpty()) {
            for (JsonNode item : actual) {
                JsonNode match = matching(reference, item);
                if (match != null) {
                    compare(path + "[]", match, item);
                }
            }
        }
    }

    /**
     * The reference entry to compare with: the one sharing most of {@code type} and {@code status}.
     */
    private JsonNode matching(JsonNode reference, JsonNode item) {
        if (!item.isObject()) {
            return reference.get(0);
        }
        JsonNode best = reference.get(0);
        int bestScore = -1;
        boolean typeKnown = false;
        for (JsonNode candidate : reference) {
            boolean sameType = candidate.path("type").equals(item.path("type"));
            typeKnown |= sameType;
            int score =
                    (sameType ? 2 : 0)
                            + (candidate.path("status").equals(item.path("status")) ? 1 : 0);
            if (score > bestScore) {
                best = candidate;
                bestScore = score;
            }
        }
        if (!typeKnown && item.has("type") && extraTypes.contains(item.get("type").asText())) {
            return null;
        }
        return best;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String family(JsonNode node) {
        if (node.isNumber()) {
            return "number";
        }
        return node.getNodeType().name().toLowerCase();
    }
}
