using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Maas.Functions.Hosting;

/// <summary>Where telemetry goes: Application Insights, an OTLP endpoint, both, or (neither set) nowhere. Standard setting names.</summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string ApplicationInsightsConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string ApplicationInsightsAuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string EntraAuthentication = "Authorization=AAD";

    [ConfigurationKeyName(ApplicationInsightsConnectionStringSetting)]
    public string? ApplicationInsightsConnectionString { get; set; }

    /// <summary><c>Authorization=AAD;ClientId=&lt;user-assigned identity&gt;</c> publishes with that identity (local auth disabled).</summary>
    [ConfigurationKeyName(ApplicationInsightsAuthenticationStringSetting)]
    public string? ApplicationInsightsAuthenticationString { get; set; }

    [ConfigurationKeyName(OtlpEndpointSetting)]
    public string? OtlpEndpoint { get; set; }

    public bool ExportsToApplicationInsights => !string.IsNullOrWhiteSpace(ApplicationInsightsConnectionString);

    public bool ExportsToOtlp => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    /// <summary>The client id of the managed identity named in the authentication string, when it names one.</summary>
    public string? ManagedIdentityClientId => ApplicationInsightsAuthenticationString?
        .Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(part => part.Split('=', 2))
        .Where(pair => pair.Length == 2 && pair[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase))
        .Select(pair => pair[1])
        .FirstOrDefault();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ExportsToApplicationInsights && !ApplicationInsightsConnectionString!.Contains("InstrumentationKey=", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"{ApplicationInsightsConnectionStringSetting} must be an Application Insights connection string (InstrumentationKey=...;IngestionEndpoint=...).");
        }

        if (!string.IsNullOrWhiteSpace(ApplicationInsightsAuthenticationString)
            && !ApplicationInsightsAuthenticationString.StartsWith(EntraAuthentication, StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"{ApplicationInsightsAuthenticationStringSetting} must be '{EntraAuthentication}' or '{EntraAuthentication};ClientId=<managed identity client id>'.");
        }

        if (ExportsToOtlp && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https"))
        {
            yield return new ValidationResult($"{OtlpEndpointSetting} must be an absolute URI such as http://localhost:4317.");
        }
    }
}
