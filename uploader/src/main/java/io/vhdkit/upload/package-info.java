/**
 * Parallel, zero-skipping, resumable upload of a virtual disk to an Azure page blob or managed disk, on
 * azure-storage-blob with the JDK HTTP client. {@link io.vhdkit.upload.Uploader} is the transfer engine;
 * {@link io.vhdkit.upload.UploadSources} presents a fixed, dynamic, differencing VHD or a raw image as the fixed VHD
 * to write; {@link io.vhdkit.upload.Targets} opens the destination from a SAS URL, a connection string or Azure AD.
 */
package io.vhdkit.upload;
