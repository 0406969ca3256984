/** The format-independent view of a virtual disk that partition and filesystem readers build on. */
package io.vhdkit.disk;
