package io.vhdkit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.upload.Secrets;
import io.vhdkit.upload.UploadStats;
import java.util.Locale;

/**
 * What became of one image of {@code vhdkit upload}: one line of text, or one object of the {@code --format json}
 * array.
 *
 * @param image       the image path
 * @param destination the blob URL without its query (never a SAS), or container/name
 * @param status      ok, failed or refused
 * @param exit        the exit code this image alone would give
 * @param stats       the counters when the transfer started, else null
 * @param error       why it failed or was refused (secrets redacted), or null
 * @param md5         the Content-MD5 stored with --md5, or null
 * @param verified    chunks read back with --verify, or -1
 */
record UploadOutcome(String image, String destination, Status status, int exit, UploadStats.Snapshot stats,
                     String error, String md5, long verified) {

    /** ok: uploaded; refused: nothing was sent (a rule, the destination, the entry); failed: the transfer failed. */
    enum Status { ok, failed, refused }

    UploadOutcome {
        destination = destination == null ? null : Secrets.redact(Secrets.withoutQuery(destination));
        error = Secrets.redact(error);
    }

    static UploadOutcome of(String image, String destination, int exit, UploadStats.Snapshot stats, String error) {
        Status s = switch (exit) {
            case ExitCodes.OK -> Status.ok;
            case ExitCodes.FINDINGS, ExitCodes.USAGE -> Status.refused;
            default -> Status.failed;
        };
        return new UploadOutcome(image, destination, s, exit, stats, error, null, -1);
    }

    UploadOutcome withChecks(String md5, long verified) {
        return new UploadOutcome(image, destination, status, exit, stats, error, md5, verified);
    }

    double seconds() {
        return stats == null ? 0 : stats.seconds();
    }

    /** Megabytes (10^6 bytes) sent per second. */
    double mbPerSecond() {
        return stats == null || stats.seconds() <= 0 ? 0 : stats.sent() / 1e6 / stats.seconds();
    }

    /** One line: status, image, destination, bytes and rate, or the error. */
    String line() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-8s %s -> %s", status, image,
                destination == null ? "?" : destination));
        if (stats != null) {
            b.append(String.format(Locale.ROOT, ": read %s, sent %s, skipped %s%s in %.1f s (%.1f MB/s)",
                    UploadCommand.human(stats.read()), UploadCommand.human(stats.sent()),
                    UploadCommand.human(stats.skipped()),
                    stats.resumed() > 0 ? ", " + UploadCommand.human(stats.resumed()) + " already there" : "",
                    stats.seconds(), mbPerSecond()));
        }
        if (error != null) {
            b.append(stats != null ? "; " : ": ").append(error.replace('\n', ' '));
        }
        return b.toString();
    }

    ObjectNode json() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("image", image);
        o.put("destination", destination);
        o.put("status", status.name());
        o.put("exit", exit);
        if (stats != null) {
            o.put("size", stats.total());
            o.put("read", stats.read());
            o.put("sent", stats.sent());
            o.put("skipped", stats.skipped());
            o.put("holes", stats.holes());
            o.put("cleared", stats.cleared());
            o.put("resumed", stats.resumed());
            o.put("requests", stats.requests());
            o.put("retries", stats.retries());
            o.put("seconds", Math.round(stats.seconds() * 1000) / 1000.0);
            o.put("mbPerSecond", Math.round(mbPerSecond() * 10) / 10.0);
        } else {
            o.putNull("size");
        }
        if (md5 != null) {
            o.put("md5", md5);
        }
        if (verified >= 0) {
            o.put("verifiedChunks", verified);
        }
        if (error != null) {
            o.put("error", error);
        } else {
            o.putNull("error");
        }
        return o;
    }
}
