/**
 * Helpers of the Windows rules: the Sysprep image states ({@link io.vhdkit.validator.windows.ImageStates}), the
 * {@code State.ini} file ({@link io.vhdkit.validator.windows.StateIni}) and the Sysprep error log
 * ({@link io.vhdkit.validator.windows.SetupErrLog}), each parsed from bytes read out of the image.
 */
package io.vhdkit.validator.windows;
