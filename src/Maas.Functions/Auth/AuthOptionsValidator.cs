using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Auth;

/// <summary>
/// Refuses to start with <c>Auth:Mode=Disabled</c> unless the environment is Development and no Azure hosting
/// variable is set; with <c>EntraId</c>, requires <c>AzureAd:Instance</c>, <c>AzureAd:TenantId</c> and <c>AzureAd:ClientId</c>.
/// </summary>
internal sealed class AuthOptionsValidator(IHostEnvironment environment, IConfiguration configuration) : IValidateOptions<AuthOptions>
{
    public const string AzureAdSection = "AzureAd";
    public const string FunctionsEnvironmentVariable = "AZURE_FUNCTIONS_ENVIRONMENT";

    /// <summary>Variables the Azure hosts set (App Service / Functions, Container Apps); any one means "running in Azure".</summary>
    public static IReadOnlyList<string> AzureHostingVariables { get; } = ["WEBSITE_INSTANCE_ID", "WEBSITE_SITE_NAME", "CONTAINER_APP_NAME", "CONTAINER_APP_REVISION"];

    private static readonly string[] RequiredAzureAdKeys = ["Instance", "TenantId", "ClientId"];

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mode == AuthMode.Disabled)
        {
            // The Functions host names the environment in AZURE_FUNCTIONS_ENVIRONMENT; not every worker builder copies it into IHostEnvironment.
            var functionsEnvironment = configuration[FunctionsEnvironmentVariable];
            if (!environment.IsDevelopment() && !string.Equals(functionsEnvironment, Environments.Development, StringComparison.OrdinalIgnoreCase))
            {
                return ValidateOptionsResult.Fail(
                    $"Auth:Mode=Disabled is for local development only, but the environment is '{functionsEnvironment ?? environment.EnvironmentName}'; set Auth:Mode=EntraId (or {FunctionsEnvironmentVariable}=Development on a developer machine).");
            }

            var azure = AzureHostingVariables.FirstOrDefault(variable => !string.IsNullOrEmpty(configuration[variable]));
            return azure is null
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"Auth:Mode=Disabled is refused because {azure} is set: this is an Azure host. Set Auth:Mode=EntraId.");
        }

        var missing = RequiredAzureAdKeys
            .Where(key => string.IsNullOrWhiteSpace(configuration[$"{AzureAdSection}:{key}"]))
            .Select(key => $"{AzureAdSection}:{key}")
            .ToList();
        return missing.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Auth:Mode=EntraId needs {string.Join(", ", missing)} (the API's app registration in Microsoft Entra ID).");
    }
}
