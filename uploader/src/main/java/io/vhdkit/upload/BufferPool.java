package io.vhdkit.upload;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A fixed set of chunk buffers, allocated once. {@link #take} blocks while all are in use, which bounds the memory
 * and the number of chunks read ahead of the network.
 */
final class BufferPool {

    private final BlockingQueue<byte[]> free;

    BufferPool(int count, int size) {
        free = new ArrayBlockingQueue<>(count);
        for (int i = 0; i < count; i++) {
            free.add(new byte[size]);
        }
    }

    byte[] take() throws InterruptedException {
        return free.take();
    }

    void give(byte[] buffer) {
        if (!free.offer(buffer)) {
            throw new IllegalStateException("a buffer returned twice");
        }
    }
}
