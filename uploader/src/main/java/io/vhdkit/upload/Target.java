package io.vhdkit.upload;

import com.azure.storage.blob.specialized.PageBlobClient;

/**
 * An opened destination.
 *
 * @param data        the client for Put Page: no retries of its own (the uploader retries and paces them)
 * @param control     the client for everything else, with the SDK's retries
 * @param display     the blob URL without its query (no SAS): what may be shown
 * @param managedDisk whether it is a managed disk's upload endpoint (md-impexp): the blob exists, its size is fixed,
 *                    it takes no Content-MD5 and no metadata
 */
public record Target(PageBlobClient data, PageBlobClient control, String display, boolean managedDisk) {

    @Override
    public String toString() {
        return display + (managedDisk ? " (managed disk)" : "");
    }
}
