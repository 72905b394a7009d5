package io.pveha.validate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The type-checked CEL rules of the bundled CRDs, made at build time so that start-up only has to
 * turn them into programs (type-checking ~40 rules costs about a second on a cold JVM, the programs
 * a few hundred milliseconds). Entries are keyed by the rule's schema location and text, so an
 * entry that does not match the CRD at hand is simply not used and the rule is compiled as usual:
 * the cache can be stale or missing, never wrong.
 *
 * <p>The build runs {@link #main} after the CRD generator (operator/pom.xml, phase
 * process-classes): {@code CelAstCache <crd directory> <output file>}.
 */
public final class CelAstCache {
    /** Where the build puts the cache in the jar. */
    public static final String RESOURCE = "META-INF/pveha/cel-rules.bin";

    private static final int MAGIC = 0x50564543;
    private static final int FORMAT = 1;

    private CelAstCache() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: CelAstCache <crd directory> <output file>");
        }
        SpecValidator compiled = SpecValidator.fromDirectory(Path.of(args[0]));
        Path out = Path.of(args[1]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (OutputStream stream = Files.newOutputStream(out)) {
            write(compiled.checkedExpressions(), stream);
        }
    }

    static void write(Map<String, byte[]> entries, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeInt(entries.size());
        // Sorted, and protobuf maps in key order: the same CRDs give the same bytes (reproducible
        // jar and image).
        for (Map.Entry<String, byte[]> entry : new java.util.TreeMap<>(entries).entrySet()) {
            byte[] bytes = deterministic(entry.getValue());
            out.writeUTF(entry.getKey());
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        out.flush();
    }

    private static byte[] deterministic(byte[] checkedExpr) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream coded =
                com.google.protobuf.CodedOutputStream.newInstance(bytes);
        coded.useDeterministicSerialization();
        dev.cel.expr.CheckedExpr.parseFrom(checkedExpr).writeTo(coded);
        coded.flush();
        return bytes.toByteArray();
    }

    /**
     * The entries of a cache; an unreadable or foreign stream gives none (everything is then
     * compiled).
     */
    static Map<String, byte[]> read(InputStream stream) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        if (stream == null) {
            return entries;
        }
        try (DataInputStream in = new DataInputStream(stream)) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
                return entries;
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String key = in.readUTF();
                entries.put(key, in.readNBytes(in.readInt()));
            }
            return entries;
        } catch (IOException e) {
            return new LinkedHashMap<>();
        }
    }
}
