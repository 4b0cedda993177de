using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Maas.Functions.Hosting;
using Maas.TestKit.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Tests.Hosting;

public sealed class FunctionsServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddMaasFunctions_SampleSettings_StartsAndCreatesStorageClients()
    {
        using var host = BuildHost(SampleSettings.Load());

        await host.StartAsync();

        Assert.Equal("devstoreaccount1", host.Services.GetRequiredService<BlobServiceClient>().AccountName);
        Assert.Equal("devstoreaccount1", host.Services.GetRequiredService<TableServiceClient>().AccountName);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddMaasFunctions_IdentityBasedStorage_StartsWithServiceUris()
    {
        using var host = BuildHost(SampleSettings.With(
            ("ModelStorage", null),
            ("ModelStorage:blobServiceUri", "https://acct.blob.core.windows.net"),
            ("ModelStorage:tableServiceUri", "https://acct.table.core.windows.net"),
            ("ModelStorage:credential", "managedidentity"),
            ("ModelStorage:clientId", "00000000-0000-0000-0000-000000000001")));

        await host.StartAsync();

        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), host.Services.GetRequiredService<BlobServiceClient>().Uri);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("ModelStorage", null, "ModelStorage")]
    [InlineData("MetricsAggregationSchedule", null, "MetricsAggregationSchedule")]
    [InlineData("MetricsAggregationSchedule", "every five minutes", "MetricsAggregationSchedule")]
    [InlineData("MetricsAggregationSchedule", "0 */5 * * *", "MetricsAggregationSchedule")]
    public async Task AddMaasFunctions_MissingOrBadSetting_StartupFailsNamingIt(string setting, string? value, string named)
    {
        using var host = BuildHost(SampleSettings.With((setting, value)));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 */5 * * * *", true)]
    [InlineData("00:05:00", true)]
    [InlineData("0 0 * * * Mon-Fri", true)]
    [InlineData("00:00:00", false)]
    [InlineData("", false)]
    [InlineData("0 */5 * * * * *", false)]
    public void IsValidSchedule_Expression_AcceptsNcrontabAndTimeSpan(string schedule, bool valid)
        => Assert.Equal(valid, TimerScheduleOptions.IsValidSchedule(schedule));

    private static IHost BuildHost(Dictionary<string, string?> settings)
        => TestHost.BuildApp(settings, builder => builder.AddMaasFunctions());
}
