package io.vhdkit.fs.fat;

/** Lets tests of other packages load the golden FAT images of this package's resources. */
public final class FatGoldenTestAccess {

    private FatGoldenTestAccess() {
    }
}
