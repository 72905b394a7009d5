package io.pveha.validate;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads manifests: files, directories (recursively, {@code *.yaml} and {@code *.yml}, sorted,
 * skipping hidden entries), or standard input; each file may hold several documents separated by
 * {@code ---}. Empty documents are skipped. It keeps the line of every field, reports duplicate
 * keys as kubectl's strict decoding does, and refuses YAML aliases (which would silently turn into
 * strings otherwise).
 */
public final class ManifestReader {
    /** Name used for standard input in messages. */
    public static final String STDIN = "<stdin>";

    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Input that could not be read: a missing file, an I/O error, or YAML that does not parse. */
    public static final class InputException extends Exception {
        private final String source;
        private final int line;
        private final int column;

        InputException(String source, int line, int column, String message, Throwable cause) {
            super(message, cause);
            this.source = source;
            this.line = line;
            this.column = column;
        }

        /** {@code file:line:column: message}, or {@code file: message} without a position. */
        public String describe() {
            return line > 0
                    ? source + ":" + line + ":" + column + ": " + getMessage()
                    : source + ": " + getMessage();
        }
    }

    private ManifestReader() {}

    /**
     * The YAML files a command-line argument stands for: the file itself, or the files below a
     * directory.
     */
    public static List<Path> expand(Path argument) throws InputException {
        if (Files.isDirectory(argument)) {
            try (Stream<Path> walk = Files.walk(argument)) {
                return walk.filter(Files::isRegularFile)
                        .filter(p -> isYaml(p) && !isHidden(argument, p))
                        .sorted()
                        .toList();
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new InputException(
                        argument.toString(), 0, 0, "cannot list directory: " + e.getMessage(), e);
            }
        }
        if (!Files.exists(argument)) {
            throw new InputException(argument.toString(), 0, 0, "no such file or directory", null);
        }
        return List.of(argument);
    }

    private static boolean isYaml(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static boolean isHidden(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    public static List<ManifestDocument> read(Path file) throws InputException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(file.toString(), reader);
        } catch (IOException e) {
            throw new InputException(file.toString(), 0, 0, "cannot read: " + e.getMessage(), e);
        }
    }

    public static List<ManifestDocument> read(InputStream in) throws InputException {
        return read(STDIN, new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    }

    public static List<ManifestDocument> read(String source, String text) throws InputException {
        return read(source, new StringReader(text));
    }

    /** Parses every document of one source. */
    public static List<ManifestDocument> read(String source, Reader reader) throws InputException {
        List<ManifestDocument> documents = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(reader)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                int line = parser.currentTokenLocation().getLineNr();
                Map<String, Integer> lines = new HashMap<>();
                List<FieldError> duplicates = new ArrayList<>();
                JsonNode content = value(parser, token, source, "", lines, duplicates);
                if (content.isNull() || content.isMissingNode()) {
                    continue;
                }
                DocumentRef ref = DocumentRef.of(source, documents.size() + 1, line, content);
                documents.add(
                        new ManifestDocument(
                                ref, content, Map.copyOf(lines), List.copyOf(duplicates)));
            }
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException yaml
                    && yaml.getProblemMark() != null) {
                // SnakeYAML knows where the problem is and what it is ("expected ',' or ']', but
                // got ...").
                String context = yaml.getContext() == null ? "" : " (" + yaml.getContext() + ")";
                throw new InputException(
                        source,
                        yaml.getProblemMark().getLine() + 1,
                        yaml.getProblemMark().getColumn() + 1,
                        "YAML syntax error: " + yaml.getProblem() + context,
                        e);
            }
            JsonLocation at = e.getLocation();
            throw new InputException(
                    source,
                    at == null ? 0 : at.getLineNr(),
                    at == null ? 0 : at.getColumnNr(),
                    "YAML syntax error: "
                            + e.getOriginalMessage().lines().findFirst().orElse("").trim(),
                    e);
        } catch (IOException e) {
            throw new InputException(source, 0, 0, "cannot read: " + e.getMessage(), e);
        }
        return documents;
    }

    /**
     * The JSON tree of the next value of any Jackson parser (YAML or JSON), without an
     * ObjectMapper: creating the first ObjectMapper costs about half a second on a cold JVM, which
     * validate's start-up avoids.
     */
    static JsonNode tree(JsonParser parser, String source) throws IOException, InputException {
        return value(parser, parser.nextToken(), source, "", new HashMap<>(), new ArrayList<>());
    }

    private static JsonNode value(
            JsonParser parser,
            JsonToken token,
            String source,
            String path,
            Map<String, Integer> lines,
            List<FieldError> duplicates)
            throws IOException, InputException {
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            JsonLocation at = parser.currentTokenLocation();
            throw new InputException(
                    source,
                    at.getLineNr(),
                    at.getColumnNr(),
                    "YAML aliases (*"
                            + parser.getText()
                            + ") are not supported; write the value out",
                    null);
        }
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    String childPath = FieldPaths.child(path, name);
                    int line = parser.currentTokenLocation().getLineNr();
                    if (object.has(name)) {
                        duplicates.add(FieldError.duplicateField(childPath));
                    }
                    lines.put(childPath, line);
                    object.set(
                            name,
                            value(
                                    parser,
                                    parser.nextToken(),
                                    source,
                                    childPath,
                                    lines,
                                    duplicates));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                JsonToken item;
                while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
                    String itemPath = FieldPaths.index(path, array.size());
                    lines.putIfAbsent(itemPath, parser.currentTokenLocation().getLineNr());
                    array.add(value(parser, item, source, itemPath, lines, duplicates));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(parser.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> {
                JsonLocation at = parser.currentTokenLocation();
                throw new InputException(
                        source,
                        at.getLineNr(),
                        at.getColumnNr(),
                        "unexpected YAML token " + token,
                        null);
            }
        }
    }
}
