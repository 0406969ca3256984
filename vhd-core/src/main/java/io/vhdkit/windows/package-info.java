/**
 * Windows installations read offline: the registry of a system volume ({@link io.vhdkit.windows.WindowsRegistry})
 * and the {@code reg query}-style paths that name its keys ({@link io.vhdkit.windows.RegistryPath}).
 */
package io.vhdkit.windows;
