using Azure.Data.Tables;
using Maas.Core.Inference;
using Maas.Core.Monitoring;
using Maas.Core.Registry;
using Maas.Core.Serving;
using Maas.TestKit.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Maas.Core.Tests;

public sealed class CoreServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddMaasCore_SampleSettings_StartsWithTheirValues()
    {
        using var host = BuildHost(SampleSettings.Load());
        await host.StartAsync();

        Assert.Equal("models", host.Services.GetRequiredService<IOptions<RegistryOptions>>().Value.ContainerName);
        Assert.Equal(TimeSpan.FromSeconds(30), host.Services.GetRequiredService<IOptions<MonitoringOptions>>().Value.FlushInterval);
        Assert.Equal(GraphOptimization.All, host.Services.GetRequiredService<IOptions<InferenceOptions>>().Value.GraphOptimization);
        Assert.Equal(64 * 1024 * 1024, host.Services.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRequestBytes);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Registry:ContainerName", "Models_Bad")]
    [InlineData("Registry:MaxModelBytes", "0")]
    [InlineData("Registry:LookupCacheTtl", "02:00:00")]
    [InlineData("Inference:MaxCachedModels", "0")]
    [InlineData("Inference:IntraOpThreads", "-1")]
    [InlineData("Limits:MaxRequestBytes", "0")]
    [InlineData("Limits:MaxJsonDepth", "5000")]
    [InlineData("Monitoring:FlushInterval", "00:00:00")]
    [InlineData("Monitoring:SloErrorRate", "1.5")]
    [InlineData("Capture:HashKey", "too-short")]
    [InlineData("Capture:MaxPayloadBytes", "1000000")]
    [InlineData("Capture:ContainerName", "Captures!")]
    [InlineData("Capture:QueueCapacity", "0")]
    public async Task AddMaasCore_BadSetting_StartupFailsNamingTheSetting(string setting, string value)
    {
        using var host = BuildHost(SampleSettings.With((setting, value)));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddMaasCore_HashKeyStillAnUnresolvedKeyVaultReference_StartsWithNoHashKey()
    {
        using var host = BuildHost(SampleSettings.With(("Capture:HashKey", "@Microsoft.KeyVault(VaultName=kv;SecretName=capture-hash-key)")));

        await host.StartAsync();

        Assert.False(host.Services.GetRequiredService<IOptions<Maas.Core.Capture.CaptureOptions>>().Value.HasHashKey);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Inference:GraphOptimization", "Fastest")]
    [InlineData("Registry:ContainerNmae", "models")]
    [InlineData("Monitoring:FlushInterval", "soon")]
    public async Task AddMaasCore_UnreadableOrUnknownSetting_StartupFailsNamingIt(string setting, string value)
    {
        using var host = BuildHost(SampleSettings.With((setting, value)));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains(setting.Split(':')[1], error.Message + error.InnerException?.Message, StringComparison.Ordinal);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
        => TestHost.Build(settings, services =>
        {
            services.AddMaasCore();
            // The host supplies the storage clients (ModelStorage) that Core's hosted services need: the metrics flusher
            // the table client, the capture writer the blob client, the prewarmer the registry's lookup table.
            services.AddSingleton(new TableServiceClient("UseDevelopmentStorage=true"));
            services.AddSingleton(new Azure.Storage.Blobs.BlobServiceClient("UseDevelopmentStorage=true"));
            services.AddSingleton(new Maas.Core.Registry.RegistryLookupTable(new TableClient("UseDevelopmentStorage=true", Maas.Core.Registry.ModelRegistryStore.TableName)));
        });
}
