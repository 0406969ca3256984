package io.vhdkit.upload;

/**
 * One Put Page of the plan: {@code [offset, offset + length)} of the fixed VHD.
 *
 * @param index  its place in the plan, from 0
 * @param offset a multiple of 512
 * @param length a multiple of 512, at most {@link ChunkPlan#MAX_CHUNK}
 * @param hole   whether the source knows the range reads as zeros (no data extent touches it): it is not read
 */
public record Chunk(int index, long offset, int length, boolean hole) {

    public long end() {
        return offset + length;
    }
}
