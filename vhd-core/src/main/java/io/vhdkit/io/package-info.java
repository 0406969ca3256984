/** Read-only byte sources (files, memory), extents, and the data/hole map of sparse files. */
package io.vhdkit.io;
