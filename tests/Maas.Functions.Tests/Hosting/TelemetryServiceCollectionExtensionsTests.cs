using Maas.Functions.Hosting;
using Maas.TestKit.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Maas.Functions.Tests.Hosting;

public sealed class TelemetryServiceCollectionExtensionsTests
{
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://localhost.invalid/";

    [Fact]
    public void AddMaasFunctions_NoExporterSettings_RegistersNoTelemetryPipeline()
    {
        using var host = TestHost.BuildApp(SampleSettings.Load(), builder => builder.AddMaasFunctions());

        Assert.Null(host.Services.GetService<MeterProvider>());
        Assert.Null(host.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData(TelemetryOptions.ApplicationInsightsConnectionStringSetting, ConnectionString)]
    [InlineData(TelemetryOptions.OtlpEndpointSetting, "http://localhost:4317")]
    public void AddMaasFunctions_AnExporterSetting_RegistersMetricsAndTraces(string setting, string value)
    {
        using var host = TestHost.BuildApp(SampleSettings.With((setting, value)), builder => builder.AddMaasFunctions());

        Assert.NotNull(host.Services.GetService<MeterProvider>());
        Assert.NotNull(host.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData(TelemetryOptions.ApplicationInsightsConnectionStringSetting, "not a connection string")]
    [InlineData(TelemetryOptions.OtlpEndpointSetting, "localhost:4317/no scheme")]
    [InlineData(TelemetryOptions.ApplicationInsightsAuthenticationStringSetting, "ClientId=abc")]
    public async Task AddMaasFunctions_BadExporterSetting_StartupFailsNamingIt(string setting, string value)
    {
        using var host = TestHost.BuildApp(SampleSettings.With((setting, value)), builder => builder.AddMaasFunctions());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManagedIdentityClientId_AadAuthenticationString_IsReadFromIt()
        => Assert.Equal("abc-123", new TelemetryOptions { ApplicationInsightsAuthenticationString = "Authorization=AAD;ClientId=abc-123" }.ManagedIdentityClientId);
}
