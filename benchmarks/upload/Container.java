import com.azure.storage.blob.BlobServiceClientBuilder;

/** java -cp cli/target/vhdkit.jar benchmarks/upload/Container.java NAME: creates a container (connection string from
 * AZURE_STORAGE_CONNECTION_STRING) if it is not there; used by the benchmark scripts against Azurite. */
public class Container {
    public static void main(String[] args) {
        new BlobServiceClientBuilder().connectionString(System.getenv("AZURE_STORAGE_CONNECTION_STRING"))
                .buildClient().getBlobContainerClient(args[0]).createIfNotExists();
    }
}
