package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One YAML document of the input, with the line of every field so problems point at the right line.
 *
 * @param ref where it came from and what it is
 * @param content the document as JSON tree (duplicate keys: the last one wins, as in kubectl)
 * @param lines field path (as in messages, e.g. {@code spec.disks[0].slot}) to its 1-based line
 * @param readerFindings what reading found wrong that the tree no longer shows (duplicate keys)
 */
public record ManifestDocument(
        DocumentRef ref,
        JsonNode content,
        Map<String, Integer> lines,
        List<FieldError> readerFindings) {

    /**
     * The line of {@code field}, or of its nearest parent that is in the source, or the document's
     * start.
     */
    public int lineOf(String field) {
        String path = field == null ? "" : field;
        while (!path.isEmpty()) {
            Integer line = lines.get(path);
            if (line == null && path.endsWith("]")) {
                // data[tls.crt] is a map key, read from the source as data."tls.crt"
                int open = path.lastIndexOf('[');
                line =
                        lines.get(
                                path.substring(0, open)
                                        + "."
                                        + path.substring(open + 1, path.length() - 1));
            }
            if (line != null) {
                return line;
            }
            path = parent(path);
        }
        return ref.line();
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut <= 0 ? "" : path.substring(0, cut);
    }
}
