using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;

namespace Maas.Functions.Auth;

internal static class AuthServiceCollectionExtensions
{
    /// <summary>Entra ID bearer validation (Microsoft.Identity.Web, section <c>AzureAd</c>) and <c>Auth:Mode</c>, validated at start-up.</summary>
    public static IServiceCollection AddMaasAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddHostedService<AuthModeWarning>();
        services.AddSingleton<ApiSecurity>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddMicrosoftIdentityWebApi(configuration.GetSection(AuthOptionsValidator.AzureAdSection), JwtBearerDefaults.AuthenticationScheme);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).PostConfigure<IConfiguration>(AcceptOnlyThisApiAndTenant);

        // A valid token without roles or scopes is a known caller without permissions: our authorization answers it
        // 403 naming the permission, instead of Microsoft.Identity.Web refusing it as unauthenticated (IDW10201).
        services.Configure<MicrosoftIdentityOptions>(JwtBearerDefaults.AuthenticationScheme, identity => identity.AllowWebApiToBeAuthorizedByACL = true);
        return services;
    }

    /// <summary>
    /// A single-tenant API: the audience is the client id or <c>api://&lt;client id&gt;</c>, the issuer this tenant's
    /// v2.0 or v1.0 issuer. (Microsoft.Identity.Web's default issuer validator accepts every Entra ID tenant.)
    /// </summary>
    private static void AcceptOnlyThisApiAndTenant(JwtBearerOptions options, IConfiguration configuration)
    {
        var azureAd = configuration.GetSection(AuthOptionsValidator.AzureAdSection);
        var clientId = azureAd["ClientId"];
        var tenantId = azureAd["TenantId"];
        var instance = azureAd["Instance"]?.TrimEnd('/');
        var validation = options.TokenValidationParameters;
        validation.ValidAudiences = [clientId, $"api://{clientId}"];
        validation.AudienceValidator = null;
        validation.ValidIssuers = [$"{instance}/{tenantId}/v2.0", $"{V1IssuerPrefix}{tenantId}/"];
        validation.IssuerValidator = null;
    }

    private const string V1IssuerPrefix = "https://sts.windows.net/";
}
