package io.vhdkit.upload;

/**
 * A completed upload.
 *
 * @param destination the blob URL without its SAS
 * @param stats       the final counters
 * @param md5         the whole-file MD5 (base64) stored as Content-MD5, or null without {@code --md5}
 * @param verified    chunks read back and compared with {@code --verify}, or -1 without it
 * @param lowestLimit the lowest in-flight limit throttling brought the upload to
 */
public record UploadResult(String destination, UploadStats.Snapshot stats, String md5, long verified,
                           int lowestLimit) {
}
