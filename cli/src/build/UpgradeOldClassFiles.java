import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * A build step of the cli module (run by its pom after the shade plugin, as a single-file program with ASM on the
 * class path): rewrites every class file of the jar older than Java 6 (version 50) as a Java 8 class file (version
 * 52) with the stack map frames the JVM's type-checking verifier needs; every other entry is copied as it is.
 *
 * <p>Why: JDK 17's class-data sharing does not archive class files older than version 50, nor version-50 files
 * without frames that fall back to the old verifier, so picocli's 228 classes (compiled for Java 5) were parsed and
 * verified by the slow type-inferring verifier on every start of vhdkit. The bytecode itself is not changed: the
 * frames are computed by ASM and checked by the JVM's verifier when each class loads.
 *
 * <p>usage: java -cp asm.jar UpgradeOldClassFiles.java JAR (the jar is replaced through a temporary file)
 */
public final class UpgradeOldClassFiles {

    private static final int JAVA_6 = 50;

    private UpgradeOldClassFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: UpgradeOldClassFiles JAR");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
        List<String> rewritten = new ArrayList<>();
        try (ZipFile in = new ZipFile(jar.toFile());
             URLClassLoader types = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                     ClassLoader.getPlatformClassLoader());
             OutputStream file = Files.newOutputStream(tmp);
             ZipOutputStream out = new ZipOutputStream(file)) {
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                byte[] b;
                try (InputStream s = in.getInputStream(e)) {
                    b = s.readAllBytes();
                }
                if (e.getName().endsWith(".class") && major(b) > 0 && major(b) < JAVA_6) {
                    b = upgrade(b, types);
                    rewritten.add(e.getName());
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(b);
                out.closeEntry();
            }
        }
        verify(tmp, rewritten);
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("UpgradeOldClassFiles: " + rewritten.size() + " class files of " + jar.getFileName()
                + " rewritten as Java 8 class files with stack map frames");
    }

    /**
     * Loads and initializes every rewritten class from the new jar, so that the JVM's verifier checks each one's
     * frames now: a {@link VerifyError} fails the build instead of a later start of vhdkit.
     */
    private static void verify(Path jar, List<String> rewritten) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String name : rewritten) {
                try {
                    Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), true,
                            loader);
                } catch (VerifyError v) {
                    Files.deleteIfExists(jar);
                    throw new IllegalStateException("the rewritten " + name + " does not verify: " + v.getMessage(), v);
                } catch (ClassNotFoundException | LinkageError | RuntimeException other) {
                    // an optional dependency missing, or a static initializer that needs more: not a frame problem
                }
            }
        }
    }

    /** The class file's major version, or 0 when it is not a class file. */
    private static int major(byte[] b) {
        if (b.length < 8 || (b[0] & 0xff) != 0xCA || (b[1] & 0xff) != 0xFE || (b[2] & 0xff) != 0xBA
                || (b[3] & 0xff) != 0xBE) {
            return 0;
        }
        return (b[6] & 0xff) << 8 | (b[7] & 0xff);
    }

    private static byte[] upgrade(byte[] b, ClassLoader types) {
        ClassReader reader = new ClassReader(b);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String c) {
                try {
                    Class<?> x = Class.forName(a.replace('/', '.'), false, types);
                    Class<?> y = Class.forName(c.replace('/', '.'), false, types);
                    if (x.isAssignableFrom(y)) {
                        return a;
                    }
                    if (y.isAssignableFrom(x)) {
                        return c;
                    }
                    if (x.isInterface() || y.isInterface()) {
                        return "java/lang/Object";
                    }
                    do {
                        x = x.getSuperclass();
                    } while (!x.isAssignableFrom(y));
                    return x.getName().replace('.', '/');
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("cannot compute the frames of " + reader.getClassName()
                            + ": " + e.getMessage(), e);
                }
            }
        };
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }
}
