using Maas.Core.Protocol.OpenApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Auth;

/// <summary>
/// How clients sign in to this API, as the OpenAPI document and the pages tell them: Entra ID's authorize and token
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

    /// <summary>
    /// The app registration the pages sign in with: the API's own, with <c>/docs</c> and <c>/dashboard</c> as
    /// single-page-app redirect URIs.
    /// </summary>
    public string? ClientId => options.Value.Mode == AuthMode.Disabled ? null : configuration.GetSection(AuthOptionsValidator.AzureAdSection)["ClientId"];

    /// <summary>What the pages' sign-in script reads: the client, the tenant's endpoints and the scopes; <c>{"auth":null}</c> with auth off.</summary>
    public string PageConfigJson()
    {
        var openApi = OpenApi;
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            auth = openApi is null ? null : new
            {
                clientId = ClientId,
                authorizeUrl = openApi.AuthorizationUrl,
                tokenUrl = openApi.TokenUrl,
                scopes = new[] { openApi.ReadScope, openApi.PredictScope },
            },
        });
    }
}
