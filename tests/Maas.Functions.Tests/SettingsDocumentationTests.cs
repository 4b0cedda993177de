using System.Reflection;
using Maas.Core.Registry;
using Maas.Functions.Auth;
using Maas.Functions.Hosting;
using Maas.TestKit;
using Maas.TestKit.Hosting;

namespace Maas.Functions.Tests;

/// <summary>Every setting the app reads is in local.settings.sample.json and in the configuration table of docs/configuration.md.</summary>
public sealed class SettingsDocumentationTests
{
    public static TheoryData<string> Settings()
    {
        var data = new TheoryData<string>();
        // Every options class of the product's Core (each has a SectionName const and is bound from that section).
        foreach (var type in typeof(RegistryOptions).Assembly.GetTypes().Where(t => t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true }))
        {
            var section = (string)type.GetField("SectionName")!.GetRawConstantValue()!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                data.Add($"{section}:{property.Name}");
            }
        }

        data.Add(TimerScheduleOptions.MetricsAggregationScheduleSetting);
        data.Add(TimerScheduleOptions.ReconcileScheduleSetting);
        data.Add(ModelStorageOptions.ConnectionName);
        data.Add($"{AuthOptions.SectionName}:{nameof(AuthOptions.Mode)}");
        data.Add(TelemetryOptions.ApplicationInsightsConnectionStringSetting);
        data.Add(TelemetryOptions.ApplicationInsightsAuthenticationStringSetting);
        data.Add(TelemetryOptions.OtlpEndpointSetting);
        foreach (var key in new[] { "Instance", "TenantId", "ClientId" })
        {
            data.Add($"{AuthOptionsValidator.AzureAdSection}:{key}");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Setting_IsInSampleSettings(string setting)
        => Assert.True(SampleSettings.Load().ContainsKey(setting), $"{setting} is missing from {SampleSettings.FileName}.");

    [Theory]
    [MemberData(nameof(Settings))]
    public void Setting_IsInTheConfigurationTable(string setting)
        => Assert.Contains($"| `{setting}` |", File.ReadAllText(RepoPaths.Combine("docs", "configuration.md")), StringComparison.Ordinal);
}
