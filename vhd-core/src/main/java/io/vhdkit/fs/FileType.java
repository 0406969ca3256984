package io.vhdkit.fs;

/** The type of a file, as {@code stat(2)} reports it in {@code S_IFMT}. */
public enum FileType {
    REGULAR('-'),
    DIRECTORY('d'),
    SYMLINK('l'),
    CHAR_DEVICE('c'),
    BLOCK_DEVICE('b'),
    FIFO('p'),
    SOCKET('s'),
    /** Not known from a directory entry alone, or not a POSIX type. */
    UNKNOWN('?');

    private final char letter;

    FileType(char letter) {
        this.letter = letter;
    }

    /** The first letter of {@code ls -l}. */
    public char letter() {
        return letter;
    }

    /** The type encoded in the {@code S_IFMT} bits of a POSIX mode. */
    public static FileType fromMode(int mode) {
        return switch (mode & 0xF000) {
            case 0x8000 -> REGULAR;
            case 0x4000 -> DIRECTORY;
            case 0xA000 -> SYMLINK;
            case 0x2000 -> CHAR_DEVICE;
            case 0x6000 -> BLOCK_DEVICE;
            case 0x1000 -> FIFO;
            case 0xC000 -> SOCKET;
            default -> UNKNOWN;
        };
    }
}
