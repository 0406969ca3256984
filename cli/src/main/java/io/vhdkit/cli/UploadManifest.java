package io.vhdkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The manifest of {@code vhdkit upload --manifest FILE}: a JSON array (or {@code {"uploads": [...]}}) of
 * {@code {"image": PATH, "to": URL, "fromRaw": false, "managedDisk": null}}, image paths relative to the file.
 *
 * <p>A file that is not such an array is a usage error; an entry that is wrong (a missing or unknown field) is
 * kept, with its problem, so that it fails alone and keeps its position for {@code --shard}.
 */
final class UploadManifest {

    private static final Set<String> FIELDS = Set.of("image", "to", "fromRaw", "managedDisk");

    /**
     * One entry.
     *
     * @param position its place in the manifest, from 1
     * @param job      what to upload, or null when {@code problem} is set
     * @param label    the image as written in the manifest (or "entry N"), for messages
     * @param problem  why the entry cannot be uploaded, or null
     */
    record Entry(int position, UploadCommand.Job job, String label, String problem) {
    }

    /**
     * {@code --shard I/N}: the entries whose position P (from 1) satisfies {@code (P - 1) mod N == I - 1}. It depends
     * only on the order of the entries in the file, so machines given the same manifest and shards 1/N ... N/N upload
     * every entry exactly once without talking to each other.
     */
    record Shard(int index, int count) {
        static Shard parse(String s) throws UploadCommand.UsageError {
            String[] p = s.split("/", -1);
            try {
                if (p.length == 2) {
                    Shard shard = new Shard(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()));
                    if (shard.count() >= 1 && shard.index() >= 1 && shard.index() <= shard.count()) {
                        return shard;
                    }
                }
            } catch (NumberFormatException e) {
                // the message below
            }
            throw new UploadCommand.UsageError("--shard must be I/N with 1 <= I <= N (e.g. 1/3, 2/3 and 3/3 on "
                    + "three machines), not '" + s + "'");
        }

        boolean takes(int position) {
            return (position - 1) % count == index - 1;
        }
    }

    private UploadManifest() {
    }

    /** Reads the manifest; {@code managedDisk} is the command line's default for entries that do not say. */
    static List<Entry> read(Path manifest, Boolean managedDisk) throws UploadCommand.UsageError {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(manifest.toFile());
        } catch (IOException e) {
            throw new UploadCommand.UsageError("cannot read the manifest " + manifest + ": " + e.getMessage());
        }
        JsonNode list = root == null ? null : root.isArray() ? root : root.path("uploads");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new UploadCommand.UsageError(manifest + ": expected a non-empty JSON array of {\"image\": PATH, "
                    + "\"to\": URL} (or {\"uploads\": [...]})");
        }
        Path base = manifest.toAbsolutePath().getParent();
        List<Entry> out = new ArrayList<>();
        int position = 0;
        for (JsonNode e : list) {
            position++;
            String label = e.path("image").isTextual() ? e.get("image").asText() : "entry " + position;
            String problem = problem(e);
            if (problem != null) {
                out.add(new Entry(position, null, label, manifest + ": entry " + position + ": " + problem));
                continue;
            }
            Boolean md = e.path("managedDisk").isBoolean() ? Boolean.valueOf(e.get("managedDisk").asBoolean())
                    : managedDisk;
            out.add(new Entry(position, new UploadCommand.Job(base.resolve(e.get("image").asText()),
                    e.get("to").asText(), e.path("fromRaw").asBoolean(false), md), label, null));
        }
        return out;
    }

    private static String problem(JsonNode e) {
        if (!e.isObject()) {
            return "expected an object {\"image\": PATH, \"to\": URL}";
        }
        for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                return "unknown field '" + f + "' (known: image, to, fromRaw, managedDisk)";
            }
        }
        if (!e.path("image").isTextual() || e.get("image").asText().isEmpty()) {
            return "needs \"image\": the path of the image";
        }
        if (!e.path("to").isTextual() || e.get("to").asText().isEmpty()) {
            return "needs \"to\": the destination URL";
        }
        if (e.has("fromRaw") && !e.get("fromRaw").isBoolean()) {
            return "\"fromRaw\" must be true or false";
        }
        if (e.has("managedDisk") && !e.get("managedDisk").isBoolean() && !e.get("managedDisk").isNull()) {
            return "\"managedDisk\" must be true, false or null";
        }
        return null;
    }
}
