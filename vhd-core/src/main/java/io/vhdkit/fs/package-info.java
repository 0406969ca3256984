/**
 * The read-only filesystem API every reader implements ({@link io.vhdkit.fs.FileSystem}: nodes by id, directory
 * listings, file reads, symlinks), path resolution over mount points ({@link io.vhdkit.fs.PathResolver}), and the
 * bounds-checked, cached volume access readers share ({@link io.vhdkit.fs.VolumeReader}).
 */
package io.vhdkit.fs;
