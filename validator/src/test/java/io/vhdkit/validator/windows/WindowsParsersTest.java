package io.vhdkit.validator.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.validator.OsState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ImageState normalization, State.ini and setuperr.log parsing, on bytes as Windows and its docs write them. */
class WindowsParsersTest {

    @Test
    void imageStateIsNormalizedAsMicrosoftsDocsAndStateIniWriteIt() {
        assertEquals(ImageStates.UNDEPLOYABLE, ImageStates.normalize("IMAGE_STATE _UNDEPLOYABLE"));
        assertEquals(ImageStates.COMPLETE, ImageStates.normalize(" \"IMAGE_STATE_COMPLETE\" "));
        assertEquals(ImageStates.GENERALIZE_RESEAL_TO_OOBE,
                ImageStates.normalize("'image_state_generalize_reseal_to_oobe'"));
        assertEquals("", ImageStates.normalize("\"\""));
        assertEquals(OsState.GENERALIZED, ImageStates.osState(ImageStates.GENERALIZE_RESEAL_TO_OOBE));
        assertEquals(OsState.GENERALIZED, ImageStates.osState(ImageStates.GENERALIZE_RESEAL_TO_AUDIT));
        assertEquals(OsState.SPECIALIZED, ImageStates.osState(ImageStates.COMPLETE));
        assertEquals(OsState.SPECIALIZED, ImageStates.osState(ImageStates.SPECIALIZE_RESEAL_TO_OOBE));
        assertEquals(OsState.UNKNOWN, ImageStates.osState(ImageStates.UNDEPLOYABLE));
        assertEquals(OsState.UNKNOWN, ImageStates.osState("IMAGE_STATE_BOGUS"));
        assertFalse(ImageStates.known("IMAGE_STATE_BOGUS"));
    }

    @Test
    void stateIniInItsSpellings() {
        assertEquals(Optional.of("\"IMAGE_STATE_COMPLETE\""),
                StateIni.imageState("[State]\r\nImageState=\"IMAGE_STATE_COMPLETE\"\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.of("IMAGE_STATE_COMPLETE"),
                StateIni.imageState("; c\n[ state ]\nimagestate = IMAGE_STATE_COMPLETE\n".getBytes(StandardCharsets.UTF_8)));
        byte[] utf16 = "\uFEFF[State]\r\nImageState=IMAGE_STATE_UNDEPLOYABLE\r\n".getBytes(StandardCharsets.UTF_16LE);
        assertEquals(Optional.of("IMAGE_STATE_UNDEPLOYABLE"), StateIni.imageState(utf16));
        assertEquals(Optional.empty(), StateIni.imageState("[Other]\nImageState=X\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), StateIni.imageState(new byte[0]));
    }

    @Test
    void setuperrTailIsTheLastErrorLines() {
        StringBuilder b = new StringBuilder("partial line cut by the read\r\n");
        for (int i = 1; i <= 8; i++) {
            b.append("2024-05-14 10:02:1").append(i).append(", Error      SYSPRP   step ").append(i).append("\r\n");
            b.append("2024-05-14 10:02:1").append(i).append(", Info SYSPRP noise\r\n");
        }
        SetupErrLog log = SetupErrLog.parse(b.toString().getBytes(StandardCharsets.UTF_8), true);
        List<String> tail = log.tail();
        assertEquals(5, tail.size());
        assertEquals("2024-05-14 10:02:14, Error SYSPRP step 4", tail.get(0));
        assertEquals("2024-05-14 10:02:18, Error SYSPRP step 8", tail.get(4));
        assertFalse(log.mentions("partial line"));
        assertTrue(SetupErrLog.parse(new byte[0], false).isEmpty());
        SetupErrLog appx = SetupErrLog.parse(("x, Error SYSPRP Package Foo.Bar_1.0_x64__abc was installed for a "
                + "user, but not provisioned for all users.").getBytes(StandardCharsets.UTF_8), false);
        assertEquals(Optional.of("Foo.Bar_1.0_x64__abc"), appx.unprovisionedAppxPackage());
        String longLine = "y".repeat(1000);
        assertTrue(SetupErrLog.parse(longLine.getBytes(StandardCharsets.UTF_8), false).tail().get(0).length() < 400);
    }
}
