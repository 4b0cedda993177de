using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Maas.Cli.Connection;

/// <summary>
/// Where a command connects, from its options, else the saved profile, else the local app of
/// <c>scripts/start-local.sh</c> (<c>http://localhost:7071</c>, <c>UseDevelopmentStorage=true</c>, container <c>models</c>).
/// Tokens come from Azure.Identity: the API's when a client id is known (an auth-disabled local app needs none),
/// Storage's when the storage is a blob service URI.
/// </summary>
public sealed class ServiceConnection(CliIo io, Uri api, string storage, string container, string? clientId, TokenCredential? credential, bool verbose)
{
    public const string DefaultApi = "http://localhost:7071";
    public const string DefaultStorage = "UseDevelopmentStorage=true";
    public const string DefaultContainer = "models";

    public Uri Api { get; } = api;

    public string Storage { get; } = storage;

    public string ContainerName { get; } = container;

    /// <summary>The models container: by connection string, or by URI with the Entra ID credential.</summary>
    public BlobContainerClient Models()
    {
        if (Uri.TryCreate(Storage, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
        {
            var service = credential is null ? new BlobServiceClient(uri, io.BlobOptions) : new BlobServiceClient(uri, credential, io.BlobOptions);
            return service.GetBlobContainerClient(ContainerName);
        }

        try
        {
            return new BlobServiceClient(Storage, io.BlobOptions).GetBlobContainerClient(ContainerName);
        }
        catch (FormatException)
        {
            throw new CliException("--storage is neither a blob service URI (https://<account>.blob.core.windows.net) nor a connection string (e.g. UseDevelopmentStorage=true).");
        }
    }

    /// <summary>A client for the app's HTTP API, with a bearer token when the API is guarded by an app registration.</summary>
    public ApiClient ApiClient()
    {
        var scope = clientId is { Length: > 0 } id ? $"api://{id}/.default" : null;
        return new ApiClient(Api, scope is null ? null : credential, scope, verbose ? io.Error : null);
    }

    /// <summary>Resolves the connection from the command's options and the profile.</summary>
    public static ServiceConnection Resolve(CliIo io, string? api, string? storage, string? container, bool deviceCode, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(io);
        var profile = Profile.Load(io.ProfilePath);
        var apiText = api ?? profile.Api ?? DefaultApi;
        if (!Uri.TryCreate(apiText, UriKind.Absolute, out var apiUri) || apiUri.Scheme is not ("http" or "https"))
        {
            throw new CliException($"--api '{apiText}' is not an http(s) URL; expected the app's base URL, e.g. {DefaultApi}.", ExitCodes.Usage);
        }

        return new ServiceConnection(
            io,
            apiUri,
            storage ?? profile.Storage ?? DefaultStorage,
            container ?? profile.Container ?? DefaultContainer,
            profile.ClientId,
            Credential(io, profile.TenantId, deviceCode),
            verbose);
    }

    /// <summary>DefaultAzureCredential (az login, environment, managed identity), or the device code flow with <c>--device-code</c>.</summary>
    public static TokenCredential Credential(CliIo io, string? tenantId, bool deviceCode)
    {
        ArgumentNullException.ThrowIfNull(io);
        return deviceCode
            ? new DeviceCodeCredential(new DeviceCodeCredentialOptions
            {
                TenantId = tenantId,
                DeviceCodeCallback = (code, _) =>
                {
                    io.Error.WriteLine(code.Message);
                    return Task.CompletedTask;
                },
            })
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { TenantId = tenantId });
    }
}
