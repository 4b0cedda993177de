using Azure.Core;
using Maas.Cli.Connection;
using Maas.TestKit.Azurite;

namespace Maas.Cli.Tests.Connection;

[Collection(UsesAzurite.Name)]
public sealed class ApiClientTests(AzuriteFixture azurite)
{
    private const string Token = "eyJ0eXAiOiJKV1QifQ.not-a-real-token.signature";

    [Fact]
    public async Task GetJson_Verbose_ShowsTheExchangeButNeverTheToken()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        using var log = new StringWriter();
        using var api = new ApiClient(cli.App.BaseAddress, new FixedToken(), "api://test/.default", log);

        await api.GetJsonAsync("models", CancellationToken.None);

        var text = log.ToString();
        Assert.Contains("> Authorization: Bearer (token hidden)", text, StringComparison.Ordinal);
        Assert.Contains("< 200 OK", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-real-token", text, StringComparison.Ordinal);
    }

    /// <summary>A credential that hands out one fixed token, as Entra ID would after sign-in.</summary>
    private sealed class FixedToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
