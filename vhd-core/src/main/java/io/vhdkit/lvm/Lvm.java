package io.vhdkit.lvm;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.DiskSlice;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.NotThisFormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds LVM2 physical volumes among the devices of an image and maps their logical volumes. See the package
 * documentation for how to call it.
 */
public final class Lvm {

    private Lvm() {
    }

    /**
     * Scans {@code candidates}: the partitions and/or the whole disk of an image. A candidate's name in messages is its
     * {@link DiskSlice#name()}, else {@code "candidate N"}.
     */
    public static LvmScan scan(List<? extends VirtualDisk> candidates) throws IOException {
        List<String> names = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            names.add(candidates.get(i) instanceof DiskSlice s ? s.name() : "candidate " + i);
        }
        return scan(candidates, names);
    }

    /**
     * Scans {@code candidates}, naming them {@code names} in messages. Damaged or unsupported structures become
     * findings, never exceptions: the method throws only when a device cannot be read at all.
     */
    public static LvmScan scan(List<? extends VirtualDisk> candidates, List<String> names) throws IOException {
        if (names.size() != candidates.size()) {
            throw new IllegalArgumentException(names.size() + " names for " + candidates.size() + " candidates");
        }
        return new Scanner().run(candidates, names);
    }

    /** One metadata copy that decoded. */
    private record Copy(PhysicalVolume pv, int area, MetadataText text, VolumeGroup vg) {
        String source() {
            return pv.name() + ", metadata area " + area;
        }
    }

    /** A metadata area that could not be read. */
    private record Failure(String pvUuid, FormatException error) {
    }

    private static final class Scanner {
        private final List<Finding> findings = new ArrayList<>();
        private final List<PhysicalVolume> pvs = new ArrayList<>();
        private final List<Copy> copies = new ArrayList<>();
        private final List<Failure> failures = new ArrayList<>();

        LvmScan run(List<? extends VirtualDisk> candidates, List<String> names) throws IOException {
            for (int i = 0; i < candidates.size(); i++) {
                probe(i, candidates.get(i), names.get(i));
            }
            Map<String, PhysicalVolume> byUuid = new LinkedHashMap<>();
            for (PhysicalVolume pv : pvs) {
                PhysicalVolume first = byUuid.putIfAbsent(pv.uuid(), pv);
                if (first != null) {
                    findings.add(Finding.of(Severity.ERROR, ref("physical volume", "duplicate uuid"), pv.id(),
                            null, pv.name() + " carries the same PV uuid " + pv.id() + " as " + first.name()
                                    + "; " + first.name() + " is used and " + pv.name()
                                    + " ignored (LVM too uses one device per PV and warns)"));
                }
            }
            copies.removeIf(c -> byUuid.get(c.pv().uuid()) != c.pv());

            // the newest copy of each VG, by VG id
            Map<String, List<Copy>> byVg = new LinkedHashMap<>();
            for (Copy c : copies) {
                byVg.computeIfAbsent(c.vg().uuid(), k -> new ArrayList<>()).add(c);
            }
            List<LvmVolumeGroup> groups = new ArrayList<>();
            Map<String, String> namesSeen = new LinkedHashMap<>();
            java.util.Set<String> inGroups = new java.util.HashSet<>();
            for (List<Copy> list : byVg.values()) {
                Copy newest = list.get(0);
                for (Copy c : list) {
                    if (c.vg().seqno() > newest.vg().seqno()) {
                        newest = c;
                    }
                }
                checkCopies(list, newest);
                VolumeGroup vg = newest.vg();
                String other = namesSeen.putIfAbsent(vg.name(), vg.id());
                if (other != null) {
                    findings.add(Finding.of(Severity.WARNING, ref("volume group", "duplicate name"), vg.name(), null,
                            "two volume groups are called " + vg.name() + " (ids " + other + " and " + vg.id()
                                    + "); LVM would refuse to use them together"));
                }
                LvmVolumeGroup g = group(vg, newest, byUuid, list);
                groups.add(g);
                for (VgPhysicalVolume p : vg.physicalVolumes()) {
                    inGroups.add(p.uuid());
                }
            }
            for (Failure f : failures) {
                boolean covered = inGroups.contains(f.pvUuid());
                findings.add(Finding.of(covered ? Severity.WARNING : Severity.ERROR, f.error().where(),
                        f.error().actual().orElse(null), f.error().expected().orElse(null), f.error().problem()
                                + (covered ? "; the volume group's metadata was read from another copy" : "")));
            }
            for (PhysicalVolume pv : byUuid.values()) {
                boolean hasCopy = copies.stream().anyMatch(c -> c.pv() == pv);
                boolean failed = failures.stream().anyMatch(f -> f.pvUuid().equals(pv.uuid()));
                if (!inGroups.contains(pv.uuid()) && !hasCopy && !failed) {
                    findings.add(Finding.of(Severity.INFO, ref("physical volume", "orphan"), pv.name()
                            + " is an LVM physical volume (" + pv.id() + ") in no volume group found"));
                }
            }
            return new LvmScan(pvs, groups, findings);
        }

        private void probe(int index, VirtualDisk disk, String name) throws IOException {
            LvmLabel label;
            try {
                label = LvmLabel.read(disk, name);
            } catch (NotThisFormatException e) {
                return;
            } catch (FormatException e) {
                findings.add(Finding.of(Severity.ERROR, e));
                return;
            }
            List<MetadataArea> areas = new ArrayList<>();
            List<Copy> found = new ArrayList<>();
            List<DiskLocation> locations = label.pv().metadataAreas();
            List<FormatException> errors = new ArrayList<>();
            for (int j = 0; j < locations.size(); j++) {
                try {
                    MetadataArea area = MetadataArea.open(disk, locations.get(j), j, name);
                    areas.add(area);
                    Optional<MetadataText> text = area.readText(disk);
                    if (text.isPresent()) {
                        MetadataText t = text.get();
                        String source = name + ", metadata area " + j;
                        found.add(new Copy(null, j, t, MetadataDecoder.decode(t.text(), source, t::offsetOf)));
                    } else if (!area.header().rawLocations().isEmpty()) {
                        findings.add(Finding.of(Severity.INFO, FieldRef.of("LVM", "mda_header", "raw_locn flags",
                                area.location().offset() + MdaHeader.OFFSET_RAW_LOCNS + RawLocation.OFFSET_FLAGS),
                                name + ": metadata area " + j + " is marked ignored (LVM does not keep it up to "
                                        + "date)"));
                    }
                } catch (FormatException e) {
                    errors.add(e);
                }
            }
            PhysicalVolume pv = new PhysicalVolume(index, name, disk, label, areas);
            pvs.add(pv);
            for (Copy c : found) {
                copies.add(new Copy(pv, c.area(), c.text(), c.vg()));
            }
            for (FormatException e : errors) {
                failures.add(new Failure(pv.uuid(), e));
            }
            if (label.pv().deviceSize() > disk.size()) {
                findings.add(Finding.of(Severity.WARNING, FieldRef.of("LVM", "pv_header", "device_size",
                                label.sector() * 512L + label.header().contentOffset() + PvHeader.OFFSET_DEVICE_SIZE),
                        Text.u64(label.pv().deviceSize()), "at most " + disk.size(), name + ": the PV label gives "
                                + "a device size of " + Text.u64(label.pv().deviceSize()) + " bytes, but the device "
                                + "has " + disk.size() + " (was it truncated?)"));
            }
        }

        /** Reports copies older than the newest, and copies of the same seqno that differ. */
        private void checkCopies(List<Copy> list, Copy newest) {
            for (Copy c : list) {
                if (c == newest) {
                    continue;
                }
                if (c.vg().seqno() < newest.vg().seqno()) {
                    findings.add(Finding.of(Severity.WARNING, ref("volume group", "stale metadata"),
                            Long.toString(c.vg().seqno()), Long.toString(newest.vg().seqno()), c.source()
                                    + " holds metadata of VG " + c.vg().name() + " with seqno " + c.vg().seqno()
                                    + ", older than seqno " + newest.vg().seqno() + " of " + newest.source()
                                    + ", which is used (LVM: \"ignoring metadata seqno\")"));
                } else if (!Arrays.equals(c.text().bytes(), newest.text().bytes())) {
                    findings.add(Finding.of(Severity.WARNING, ref("volume group", "inconsistent metadata"),
                            c.source() + " and " + newest.source() + " hold different metadata of VG "
                                    + c.vg().name() + " with the same seqno " + c.vg().seqno() + "; the copy of "
                                    + newest.source() + " is used"));
                }
            }
        }

        private LvmVolumeGroup group(VolumeGroup vg, Copy newest, Map<String, PhysicalVolume> byUuid,
                                     List<Copy> list) {
            Map<String, PhysicalVolume> present = new LinkedHashMap<>();
            List<VgPhysicalVolume> missing = new ArrayList<>();
            Map<String, VirtualDisk> disks = new LinkedHashMap<>();
            for (VgPhysicalVolume p : vg.physicalVolumes()) {
                PhysicalVolume pv = byUuid.get(p.uuid());
                if (pv == null) {
                    missing.add(p);
                    continue;
                }
                present.put(p.name(), pv);
                disks.put(p.name(), pv.disk());
                long end = (p.peStart() + p.peCount() * vg.extentSize()) * VolumeGroup.SECTOR;
                if (end > pv.disk().size()) {
                    findings.add(Finding.of(Severity.ERROR, ref("physical volume", "truncated"),
                            Long.toString(pv.disk().size()), "at least " + end, vg.name() + ": " + p.name() + " ("
                                    + pv.name() + ") has " + pv.disk().size() + " bytes, but its extents run to byte "
                                    + end + "; reads past the end of the device fail"));
                } else if (p.devSize() * VolumeGroup.SECTOR > pv.disk().size()) {
                    findings.add(Finding.of(Severity.WARNING, ref("physical volume", "device size"),
                            Long.toString(pv.disk().size()), Long.toString(p.devSize() * VolumeGroup.SECTOR),
                            vg.name() + ": " + p.name() + " (" + pv.name() + ") has " + pv.disk().size()
                                    + " bytes, less than the " + p.devSize() * VolumeGroup.SECTOR
                                    + " of the metadata's dev_size (was the device resized?)"));
                }
            }
            for (Copy c : list) {
                if (vg.physicalVolumes().stream().noneMatch(p -> p.uuid().equals(c.pv().uuid()))) {
                    findings.add(Finding.of(Severity.WARNING, ref("volume group", "unlisted pv"), c.source()
                            + " holds metadata of VG " + vg.name() + " (seqno " + c.vg().seqno() + "), but the "
                            + "newest metadata does not list " + c.pv().name() + " (" + c.pv().id() + ")"));
                }
            }
            List<LvmVolume> volumes = new ArrayList<>();
            for (LogicalVolume lv : vg.visibleLogicalVolumes()) {
                LvmVolume v = new LvmVolume(vg.name(), lv, LogicalVolumeDisk.of(vg, lv, disks));
                volumes.add(v);
                if (lv.unmappedSegment().isPresent()) {
                    findings.add(Finding.of(Severity.INFO, ref("logical volume", "unsupported"), lv.layout(), null,
                            v.name() + " is a " + lv.layout() + " LV: it is listed, but vhdkit cannot read it"));
                }
            }
            if (!missing.isEmpty()) {
                List<String> affected = new ArrayList<>();
                for (LogicalVolume lv : vg.logicalVolumes()) {
                    boolean uses = lv.segments().stream().flatMap(s -> s.stripes().stream())
                            .anyMatch(a -> missing.stream().anyMatch(m -> m.name().equals(a.pvName())));
                    if (uses && lv.visible()) {
                        affected.add(lv.name());
                    }
                }
                for (VgPhysicalVolume m : missing) {
                    findings.add(Finding.of(Severity.ERROR, ref("volume group", "missing pv"), null, m.id(),
                            vg.name() + ": " + m.name() + " (" + m.id()
                                    + (m.device() == null ? "" : ", last seen as " + m.device())
                                    + ") is not in the image"
                                    + (affected.isEmpty() ? "" : "; LVs " + String.join(", ", affected)
                                            + " are incomplete and cannot be read")));
                }
            }
            return new LvmVolumeGroup(vg, newest.source(), present, missing, volumes);
        }
    }

    private static FieldRef ref(String structure, String field) {
        return FieldRef.of("LVM", structure, field, FieldRef.NO_OFFSET);
    }
}
