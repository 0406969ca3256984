package io.vhdkit.validator.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdkit.validator.DiskRole;
import io.vhdkit.validator.OsFamily;
import io.vhdkit.validator.OsState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What an Azure image is to be made of, as {@code validate --manifest FILE} reads it:
 * <pre>
 * {"name": "web-2024-05", "kind": "vm-image", "osType": "linux", "osState": "generalized",
 *  "osDisk": "os.vhd", "dataDisks": [{"lun": 0, "path": "data0.vhd"}]}
 * </pre>
 * An OS image is one generalized OS disk; a VM image (an Azure Compute Gallery image version, a managed image) is an
 * OS disk, generalized or specialized, plus data disks at distinct LUNs. Disk paths are relative to the manifest's
 * directory.
 */
public record ImageManifest(Path file, String name, Kind kind, OsFamily osType, OsState osState, Path osDisk,
                            List<DataDisk> dataDisks) {

    /** Data disks at most (the largest VM sizes take 64). */
    public static final int MAX_DATA_DISKS = DiskRole.MAX_LUN + 1;

    /** The largest manifest read. */
    static final long MAX_BYTES = 1 << 20;

    private static final Set<String> FIELDS = Set.of("name", "kind", "osType", "osState", "osDisk", "dataDisks");

    public enum Kind {
        OS_IMAGE("os-image"), VM_IMAGE("vm-image");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public record DataDisk(int lun, Path path) {
        public DataDisk {
            Objects.requireNonNull(path, "path");
            DiskRole.data(lun);   // validates the LUN
        }
    }

    /** A manifest that cannot be used, with the reason for the user. */
    public static final class InvalidManifestException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidManifestException(Path file, String message) {
            super(file + ": " + message);
        }
    }

    public ImageManifest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(osType, "osType");
        Objects.requireNonNull(osState, "osState");
        Objects.requireNonNull(osDisk, "osDisk");
        dataDisks = List.copyOf(dataDisks);
    }

    /** Reads and checks a manifest: every field known, types right, LUNs distinct, no disk named twice. */
    public static ImageManifest read(Path file) throws IOException, InvalidManifestException {
        if (Files.size(file) > MAX_BYTES) {
            throw new InvalidManifestException(file, "larger than " + MAX_BYTES + " bytes: not a manifest");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidManifestException(file, "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidManifestException(file, "should be a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new InvalidManifestException(file, "unknown field \"" + f + "\" (known: name, kind, osType, "
                        + "osState, osDisk, dataDisks)");
            }
        }
        Path base = file.toAbsolutePath().getParent();
        String name = text(file, root, "name", false);
        String kindText = text(file, root, "kind", false);
        Kind kind = kindText == null ? Kind.VM_IMAGE : switch (kindText) {
            case "os-image" -> Kind.OS_IMAGE;
            case "vm-image" -> Kind.VM_IMAGE;
            default -> throw new InvalidManifestException(file, "kind is \"" + kindText
                    + "\" - should be os-image or vm-image");
        };
        String type = text(file, root, "osType", true).toLowerCase(Locale.ROOT);
        OsFamily osType = switch (type) {
            case "linux" -> OsFamily.LINUX;
            case "windows" -> OsFamily.WINDOWS;
            default -> throw new InvalidManifestException(file, "osType is \"" + type
                    + "\" - should be linux or windows");
        };
        String state = text(file, root, "osState", true).toLowerCase(Locale.ROOT);
        OsState osState = switch (state) {
            case "generalized" -> OsState.GENERALIZED;
            case "specialized" -> OsState.SPECIALIZED;
            default -> throw new InvalidManifestException(file, "osState is \"" + state
                    + "\" - should be generalized or specialized");
        };
        if (kind == Kind.OS_IMAGE && osState != OsState.GENERALIZED) {
            throw new InvalidManifestException(file, "an os-image is a generalized OS disk; a specialized one is "
                    + "a vm-image");
        }
        Path osDisk = base.resolve(text(file, root, "osDisk", true)).normalize();
        List<DataDisk> data = new ArrayList<>();
        JsonNode disks = root.get("dataDisks");
        if (disks != null && !disks.isNull()) {
            if (!disks.isArray()) {
                throw new InvalidManifestException(file, "dataDisks should be an array of {\"lun\", \"path\"}");
            }
            if (disks.size() > MAX_DATA_DISKS) {
                throw new InvalidManifestException(file, disks.size() + " data disks: Azure attaches at most "
                        + MAX_DATA_DISKS);
            }
            if (kind == Kind.OS_IMAGE && !disks.isEmpty()) {
                throw new InvalidManifestException(file, "an os-image has no data disks; make it a vm-image");
            }
            Set<Integer> luns = new HashSet<>();
            for (JsonNode d : disks) {
                if (!d.isObject() || !d.path("lun").isInt() || !d.path("path").isTextual()) {
                    throw new InvalidManifestException(file, "each data disk should be {\"lun\": 0-63, \"path\": "
                            + "\"disk.vhd\"}, not " + d);
                }
                int lun = d.get("lun").asInt();
                if (lun < 0 || lun > DiskRole.MAX_LUN) {
                    throw new InvalidManifestException(file, "LUN " + lun + " - should be from 0 to "
                            + DiskRole.MAX_LUN);
                }
                if (!luns.add(lun)) {
                    throw new InvalidManifestException(file, "LUN " + lun + " is given to two data disks");
                }
                data.add(new DataDisk(lun, base.resolve(d.get("path").asText()).normalize()));
            }
        }
        Set<Path> seen = new HashSet<>();
        seen.add(osDisk);
        for (DataDisk d : data) {
            if (!seen.add(d.path())) {
                throw new InvalidManifestException(file, d.path() + " is named twice: each disk of an image is a "
                        + "file of its own");
            }
        }
        data.sort(java.util.Comparator.comparingInt(DataDisk::lun));
        return new ImageManifest(file, name, kind, osType, osState, osDisk, data);
    }

    private static String text(Path file, JsonNode root, String field, boolean required)
            throws InvalidManifestException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new InvalidManifestException(file, "\"" + field + "\" is missing");
            }
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new InvalidManifestException(file, "\"" + field + "\" should be a non-empty string");
        }
        return n.asText();
    }
}
