package io.vhdkit.validator.rules;

import io.vhdkit.check.Severity;
import io.vhdkit.image.DiskImage;
import io.vhdkit.image.Volume;
import io.vhdkit.validator.Hit;
import io.vhdkit.validator.ImageContext;
import io.vhdkit.validator.OsFamily;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Whether the disk holds the operating system its profile expects. */
final class OsRules {

    private OsRules() {
    }

    static final class NotFound extends BaseRule {
        NotFound() {
            super("os/not-found", Scope.CONTAINER, "An OS disk holds an operating system (a root with "
                            + "/etc/os-release or /Windows/System32/config)",
                    "check that this is the OS disk; validate data disks with --profile azure-data-disk",
                    Severity.ERROR, Severity.ERROR, null);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            if (ctx.vhd().isEmpty() || ctx.os().family() != OsFamily.NONE) {
                return List.of();
            }
            Optional<DiskImage> disk = ctx.disk();
            if (disk.isEmpty()) {
                return List.of(); // the container rules report why the disk cannot be read
            }
            List<String> seen = new ArrayList<>();
            for (Volume v : disk.get().volumes()) {
                String what = v.id() + " " + v.content().label();
                Optional<String> problem = disk.get().fileSystemProblem(v).map(Throwable::getMessage);
                seen.add(problem.map(p -> what + " (" + p + ")").orElse(what));
            }
            return List.of(Hit.of("no operating system found: no volume holds /etc/os-release, /usr/lib/os-release "
                    + "or /Windows/System32/config (volumes: " + (seen.isEmpty() ? "none" : String.join(", ", seen))
                    + ")"));
        }
    }

    static final class Unexpected extends BaseRule {
        Unexpected() {
            super("os/unexpected", Scope.OS, "A data disk holds no operating system",
                    "validate OS disks with --profile azure-generalized or azure-specialized", null, null,
                    Severity.WARNING);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            return List.of(Hit.of("this data disk holds an operating system: " + ctx.os().name() + " on "
                    + ctx.layout().flatMap(l -> l.rootVolume()).map(Volume::id).orElse("?")));
        }
    }
}
