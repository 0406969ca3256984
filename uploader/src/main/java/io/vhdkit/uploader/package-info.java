/**
 * Parallel, zero-skipping, resumable upload of a virtual disk to an Azure page blob or managed disk, on
 * azure-storage-blob with the JDK HTTP client.
 */
package io.vhdkit.uploader;
