package io.vhdkit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.check.Finding;
import io.vhdkit.fs.FileSystem;
import io.vhdkit.fs.FsInfo;
import io.vhdkit.image.DiskImage;
import io.vhdkit.image.MountLayout;
import io.vhdkit.image.Volume;
import io.vhdkit.partition.GptPartitionTable;
import io.vhdkit.partition.MbrPartitionTable;
import io.vhdkit.partition.PartitionTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code vhdkit inspect} shows inside the disk: the partition table, the volumes with their filesystems, and
 * where the operating system's root is and what it mounts.
 *
 * @param table    the partition table
 * @param volumes  each volume with its filesystem, if one could be read
 * @param layout   the mount layout
 * @param findings problems with the table, LVM metadata, filesystems and fstab
 */
record VolumesReport(PartitionTable table, List<VolumeInfo> volumes, MountLayout layout, List<Finding> findings) {

    /** A volume and what was read of its filesystem. */
    record VolumeInfo(Volume volume, FsInfo fs, String problem) {
    }

    /** Reads the volumes' filesystems (superblocks only) and the layout. */
    static VolumesReport of(DiskImage image) throws IOException {
        List<VolumeInfo> infos = new ArrayList<>();
        List<Finding> findings = new ArrayList<>(image.findings());
        for (Volume v : image.volumes()) {
            Optional<FileSystem> fs = image.fileSystemIfReadable(v);
            String problem = image.fileSystemProblem(v).map(Throwable::getMessage).orElse(null);
            infos.add(new VolumeInfo(v, fs.map(FileSystem::info).orElse(null), problem));
            fs.ifPresent(f -> findings.addAll(f.info().anomalies()));
        }
        MountLayout layout = image.layout();
        findings.addAll(layout.findings());
        return new VolumesReport(image.partitionTable(), infos, layout, findings);
    }

    void addTo(ObjectNode n) {
        ObjectNode t = n.putObject("partitionTable");
        t.put("scheme", table.scheme());
        if (table instanceof GptPartitionTable gpt) {
            t.put("diskId", gpt.diskGuid().toString());
        } else if (table instanceof MbrPartitionTable mbr) {
            t.put("diskId", mbr.diskSignatureText());
        } else {
            t.putNull("diskId");
        }
        ArrayNode vols = n.putArray("volumes");
        for (VolumeInfo i : volumes) {
            Volume v = i.volume();
            ObjectNode o = vols.addObject();
            o.put("id", v.id());
            o.put("kind", v.kind().label());
            if (v.offset() >= 0) {
                o.put("offset", v.offset());
            } else {
                o.putNull("offset");
            }
            o.put("size", v.size());
            o.put("content", v.content().label());
            v.partitionRef().ifPresentOrElse(p -> {
                ObjectNode po = o.putObject("partition");
                po.put("index", p.index());
                po.put("type", p.typeName());
                po.put("typeId", p.typeId());
                po.put("name", p.name());
                po.put("partUuid", p.partUuid());
                po.put("bootable", p.bootable());
            }, () -> o.putNull("partition"));
            v.lvRef().ifPresentOrElse(lv -> {
                ObjectNode lo = o.putObject("logicalVolume");
                lo.put("volumeGroup", lv.vg());
                lo.put("name", lv.lv());
            }, () -> o.putNull("logicalVolume"));
            if (i.fs() != null) {
                ObjectNode f = o.putObject("filesystem");
                f.put("type", i.fs().type());
                f.put("label", i.fs().label());
                f.put("uuid", i.fs().uuid());
                f.put("size", i.fs().size());
                f.put("blockSize", i.fs().blockSize());
            } else {
                o.putNull("filesystem");
            }
            o.put("problem", i.problem());
        }
        ObjectNode l = n.putObject("layout");
        l.put("root", layout.rootVolume().map(Volume::id).orElse(null));
        l.put("family", layout.osFamily());
        ArrayNode mounts = l.putArray("mounts");
        for (Map.Entry<String, Volume> m : new java.util.TreeMap<>(layout.mounted()).entrySet()) {
            mounts.addObject().put("path", m.getKey()).put("volume", m.getValue().id());
        }
    }

    void printText(PrintWriter out) {
        out.printf("%-20s %s%n", "Partition table:", table.scheme());
        int width = volumes.stream().mapToInt(i -> i.volume().id().length()).max().orElse(4);
        for (VolumeInfo i : volumes) {
            Volume v = i.volume();
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(java.util.Locale.ROOT, "  %-" + width + "s  %-9s %s", v.id(), v.content().label(),
                    InspectReport.size(v.size())));
            v.partitionRef().ifPresent(p -> sb.append(", ").append(p.typeName())
                    .append(p.name() == null || p.name().isEmpty() ? "" : " \"" + p.name() + "\""));
            if (i.fs() != null) {
                sb.append(", ").append(i.fs().type());
                i.fs().labelText().ifPresent(lab -> sb.append(" label \"").append(lab).append('"'));
                i.fs().uuidText().ifPresent(u -> sb.append(" uuid ").append(u));
            }
            if (i.problem() != null) {
                sb.append(" (unreadable: ").append(i.problem()).append(')');
            }
            out.println(sb);
        }
        if (layout.rootVolume().isPresent()) {
            out.printf("%-20s %s (%s)%n", "Root:", layout.rootVolume().get().id(), layout.osFamily());
            new java.util.TreeMap<>(layout.mounted()).forEach((path, v) -> out.printf("  %-18s %s%n", path, v.id()));
        } else {
            out.printf("%-20s %s%n", "Root:", "none found");
        }
    }
}
