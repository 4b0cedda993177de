using Maas.Core.Protocol.OpenApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Auth;

/// <summary>
/// How clients sign in to this API, as the OpenAPI document and the docs page tell them: Entra ID's authorize and token
/// endpoints of the tenant (<c>AzureAd:*</c>) and the API's scopes; nothing when <c>Auth:Mode</c> is Disabled.
/// </summary>
public sealed class ApiSecurity(IOptions<AuthOptions> options, IConfiguration configuration)
{
    /// <summary>The OAuth2 scheme of the OpenAPI document; null with auth disabled.</summary>
    public OpenApiSecurity? OpenApi
    {
        get
        {
            if (options.Value.Mode == AuthMode.Disabled)
            {
                return null;
            }

            var azureAd = configuration.GetSection(AuthOptionsValidator.AzureAdSection);
            var authority = $"{azureAd["Instance"]?.TrimEnd('/')}/{azureAd["TenantId"]}/oauth2/v2.0";
            var api = $"api://{azureAd["ClientId"]}";
            return new OpenApiSecurity(new Uri($"{authority}/authorize"), new Uri($"{authority}/token"), $"{api}/{Permissions.Read}", $"{api}/{Permissions.Predict}");
        }
    }

    /// <summary>The app registration the docs page signs in with (the API's own, with <c>/docs</c> as a single-page-app redirect URI).</summary>
    public string? ClientId => options.Value.Mode == AuthMode.Disabled ? null : configuration.GetSection(AuthOptionsValidator.AzureAdSection)["ClientId"];
}
