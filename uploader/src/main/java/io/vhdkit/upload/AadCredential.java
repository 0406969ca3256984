package io.vhdkit.upload;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;

/**
 * {@code --auth aad}: checks, before anything is sent, that azure-identity's {@code DefaultAzureCredential} can get a
 * token for Azure Storage, and otherwise refuses with what to set. The chain it tries, in order (azure-identity
 * 1.19): environment variables (a service principal), workload identity, managed identity, the shared token cache,
 * IntelliJ, the Azure CLI, Azure PowerShell and the Azure Developer CLI.
 */
public final class AadCredential {

    /** The scope of a token for the blob service. */
    public static final String STORAGE_SCOPE = "https://storage.azure.com/.default";

    /** What to do when no credential of the chain works (no secret in it: only names of variables and commands). */
    public static final String HOW_TO = "sign in with 'az login' (the Azure CLI), or set AZURE_TENANT_ID, "
            + "AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) for a service principal, "
            + "or run on an Azure VM or service with a managed identity (AZURE_CLIENT_ID picks a user-assigned one); "
            + "the identity needs the role Storage Blob Data Contributor on the storage account. Or leave out "
            + "--auth aad and give a SAS URL, a connection string or AZURE_STORAGE_KEY";

    private AadCredential() {
    }

    /**
     * Gets one token for Azure Storage through {@code DefaultAzureCredential}.
     *
     * @return when the token expires, for the message of a long upload
     * @throws UploadException of kind AUTH, saying what to set, when no credential of the chain can give one
     */
    public static java.time.OffsetDateTime check() throws UploadException {
        DefaultAzureCredential credential;
        try {
            credential = new DefaultAzureCredentialBuilder().build();
        } catch (RuntimeException e) {
            throw new UploadException(UploadException.Kind.AUTH, "--auth aad: azure-identity cannot be set up ("
                    + firstLine(e) + "); " + HOW_TO, e);
        }
        AccessToken token;
        try {
            token = credential.getTokenSync(new TokenRequestContext().addScopes(STORAGE_SCOPE));
        } catch (RuntimeException e) {
            throw new UploadException(UploadException.Kind.AUTH, "--auth aad: no Azure AD credential is available "
                    + "here (DefaultAzureCredential tried the environment, workload identity, managed identity, the "
                    + "Azure CLI, Azure PowerShell and the Azure Developer CLI): " + HOW_TO, e);
        }
        if (token == null) {
            throw new UploadException(UploadException.Kind.AUTH, "--auth aad: DefaultAzureCredential gave no token; "
                    + HOW_TO);
        }
        return token.getExpiresAt();
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
