using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Maas.TestKit.Auth;

/// <summary>
/// A stand-in for the Entra ID tenant, without the network: it mints RS256 tokens shaped like Entra ID v2 access
/// tokens with its own key, and gives the app's JwtBearer handler that key and issuer as static OpenID configuration,
/// so signature, issuer, audience, lifetime, roles and scopes are checked by the same validation code as in Azure.
/// </summary>
public sealed class TestTokenIssuer : IDisposable
{
    public const string Instance = "https://login.microsoftonline.com/";
    public const string TenantId = "7f4c1b2e-0000-4a6b-9c1d-2e3f4a5b6c7d";
    public const string ClientId = "3a9e8d7c-0000-4b5a-8f6e-1d2c3b4a5f6e";
    public const string CallerAppId = "c0ffee00-0000-4000-8000-00000000c0de";
    public const string CallerObjectId = "0b1ec700-0000-4000-8000-0000000000b1";

    private readonly RSA _rsa = RSA.Create(2048);

    public TestTokenIssuer()
    {
        Key = new RsaSecurityKey(_rsa) { KeyId = "test-key-1" };
        Configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
        Configuration.SigningKeys.Add(Key);
    }

    public static string Issuer => $"{Instance}{TenantId}/v2.0";

    public RsaSecurityKey Key { get; }

    public OpenIdConnectConfiguration Configuration { get; }

    /// <summary>The app settings that point the app at this issuer's tenant and API registration.</summary>
    public static IEnumerable<(string Key, string? Value)> Settings =>
    [
        ("Auth:Mode", "EntraId"),
        ("AzureAd:Instance", Instance),
        ("AzureAd:TenantId", TenantId),
        ("AzureAd:ClientId", ClientId),
    ];

    /// <summary>Gives the JwtBearer handler this issuer's keys instead of fetching the tenant's metadata.</summary>
    public void Trust(IServiceCollection services)
        => services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            options.Configuration = Configuration;
            options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(Configuration);
        });

    /// <summary>A valid app-only token with <paramref name="roles"/>, changed by <paramref name="tweak"/> when given.</summary>
    public string Mint(string[]? roles = null, string? scopes = null, Action<SecurityTokenDescriptor>? tweak = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["tid"] = TenantId,
            ["azp"] = CallerAppId,
            ["oid"] = CallerObjectId,
            ["sub"] = CallerObjectId,
            ["ver"] = "2.0",
        };
        if (roles is not null)
        {
            claims["roles"] = roles;
        }

        if (scopes is not null)
        {
            claims["scp"] = scopes;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddHours(1),
            Claims = claims,
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
        };
        tweak?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A token signed by a key nobody trusts.</summary>
    public static string MintWithForeignKey(string[] roles)
    {
        using var other = new TestTokenIssuer();
        return other.Mint(roles);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with valid-looking claims.</summary>
    public string MintUnsigned(string[] roles)
    {
        var signed = Mint(roles);
        var parts = signed.Split('.');
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        return $"{header}.{parts[1]}.";
    }

    /// <summary>HS256 signed with the RSA public key as the HMAC secret (the key-confusion attack).</summary>
    public string MintHs256WithPublicKey(string[] roles)
    {
        var publicKey = _rsa.ExportSubjectPublicKeyInfo();
        return Mint(roles, tweak: descriptor => descriptor.SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(publicKey), SecurityAlgorithms.HmacSha256));
    }

    public void Dispose() => _rsa.Dispose();
}
