package io.vhdkit.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fuzz targets' property: which exceptions end an input quietly and which escape as findings. */
class FuzzContractTest {

    private static final byte[] INPUT = {1, 2, 3};

    @Test
    void theCheckedFamilyAndTheDeclaredExtrasEndAnInputQuietly() {
        FuzzContract.check("t", INPUT, () -> {
        });
        FuzzContract.check("t", INPUT, () -> {
            throw new CorruptFormatException(FieldRef.of("t", "s", "f", 0), "damaged");
        });
        FuzzContract.check("t", INPUT, List.of(NoSuchFileException.class), () -> {
            throw new NoSuchFileException("/etc/os-release");
        });
    }

    @Test
    void anythingElseEscapes() {
        assertThrows(IllegalStateException.class, () -> FuzzContract.check("t", INPUT, () -> {
            throw new IllegalStateException("a bug");
        }));
        assertThrows(StackOverflowError.class, () -> FuzzContract.check("t", INPUT, () -> {
            throw new StackOverflowError();
        }));
        assertThrows(AssertionError.class, () -> FuzzContract.check("t", INPUT, () -> {
            throw new EOFException("a read past the end that the parser did not check");
        }));
        assertThrows(AssertionError.class, () -> FuzzContract.check("t", INPUT, List.of(NoSuchFileException.class),
                () -> {
                    throw new IOException("not a path error");
                }));
    }
}
