using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Maas.Core.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Hosting;

internal static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the Blob and Table clients for the <c>ModelStorage</c> connection, validated at start-up.</summary>
    public static IServiceCollection AddModelStorage(this IServiceCollection services)
    {
        services.AddOptions<ModelStorageOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                var section = configuration.GetSection(ModelStorageOptions.ConnectionName);
                options.ConnectionString = section.Value;
                section.Bind(options);
            })
            .Validate(
                options => options.UsesConnectionString || options.UsesIdentity,
                "ModelStorage is not configured: set ModelStorage to a storage connection string (UseDevelopmentStorage=true for Azurite), "
                + "or set ModelStorage__blobServiceUri and ModelStorage__tableServiceUri for an identity-based connection.")
            .ValidateOnStart();

        services.AddSingleton(provider => CreateBlobServiceClient(provider.GetRequiredService<IOptions<ModelStorageOptions>>().Value));
        services.AddSingleton(provider => CreateTableServiceClient(provider.GetRequiredService<IOptions<ModelStorageOptions>>().Value));
        services.AddSingleton(provider => new RegistryLookupTable(
            CreateTableServiceClient(
                provider.GetRequiredService<IOptions<ModelStorageOptions>>().Value,
                provider.GetRequiredService<IOptions<RegistryOptions>>().Value.LookupClientOptions())
            .GetTableClient(ModelRegistryStore.TableName)));
        return services;
    }

    private static BlobServiceClient CreateBlobServiceClient(ModelStorageOptions options)
        => options.UsesConnectionString
            ? new BlobServiceClient(options.ConnectionString)
            : new BlobServiceClient(options.BlobServiceUri, CreateCredential(options));

    private static TableServiceClient CreateTableServiceClient(ModelStorageOptions options, TableClientOptions? clientOptions = null)
        => options.UsesConnectionString
            ? new TableServiceClient(options.ConnectionString, clientOptions)
            : new TableServiceClient(options.TableServiceUri, CreateCredential(options), clientOptions);

    private static TokenCredential CreateCredential(ModelStorageOptions options)
        => string.IsNullOrWhiteSpace(options.ClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId));
}
