using System.ComponentModel.DataAnnotations;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Maas.Core.Telemetry;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Maas.Functions.Hosting;

internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Exports the <c>Maas</c> meter and activity source (and the Functions worker's own spans) to Application Insights
    /// and/or OTLP when their settings are present; registers no exporter at all when neither is.
    /// </summary>
    public static IHostApplicationBuilder AddMaasTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>()
            .BindConfiguration(string.Empty)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var settings = builder.Configuration.Get<TelemetryOptions>() ?? new TelemetryOptions();
        // Invalid settings register nothing here; ValidateOnStart then stops the app naming the setting.
        if ((!settings.ExportsToApplicationInsights && !settings.ExportsToOtlp) || settings.Validate(new ValidationContext(settings)).Any())
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(MaasTelemetry.Name))
            .WithTracing(tracing => tracing.AddSource(MaasTelemetry.Name));
        if (settings.ExportsToApplicationInsights)
        {
            telemetry
                .WithMetrics(metrics => metrics.AddAzureMonitorMetricExporter(options => Configure(options, settings)))
                .WithTracing(tracing => tracing.AddAzureMonitorTraceExporter(options => Configure(options, settings)));
        }

        if (settings.ExportsToOtlp)
        {
            telemetry
                .WithMetrics(metrics => metrics.AddOtlpExporter())
                .WithTracing(tracing => tracing.AddOtlpExporter());
        }

        return builder;
    }

    private static void Configure(AzureMonitorExporterOptions options, TelemetryOptions settings)
    {
        options.ConnectionString = settings.ApplicationInsightsConnectionString;
        if (settings.ApplicationInsightsAuthenticationString is { Length: > 0 })
        {
            options.Credential = settings.ManagedIdentityClientId is { } clientId
                ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
                : new DefaultAzureCredential();
        }
    }
}
