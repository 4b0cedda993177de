using Azure.Data.Tables;
using Maas.Core.Monitoring;
using Maas.Functions.Auth;
using Maas.Functions.Hosting;
using Maas.TestKit.Auth;
using Maas.TestKit.Azurite;
using Maas.TestKit.Hosting;
using Maas.TestKit.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maas.Functions.Tests.Auth;

/// <summary>The real Microsoft.Identity.Web / JwtBearer validation path, with tokens from the test kit's issuer and no network.</summary>
[Collection(UsesAzurite.Name)]
public sealed class AuthMiddlewareTests(AzuriteFixture azurite) : IAsyncLifetime, IDisposable
{
    private readonly TestTokenIssuer _issuer = new();
    private readonly LogRecorder _logs = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = TestHost.BuildApp(SampleSettings.With([.. TestTokenIssuer.Settings, ("ModelStorage", azurite.ConnectionString)]), builder =>
        {
            builder.AddMaasFunctions();
            builder.Logging.AddProvider(_logs.AsProvider()).SetMinimumLevel(LogLevel.Debug);
            _issuer.Trust(builder.Services);
        });
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public void Dispose() => _issuer.Dispose();

    public static TheoryData<string, string> BadTokens => new()
    {
        { "malformed", "not-a-jwt" },
        { "expired", "expired" },
        { "not yet valid", "future" },
        { "wrong audience", "audience" },
        { "wrong issuer", "issuer" },
        { "foreign key", "foreign" },
        { "alg none", "none" },
        { "HS256 with the public key", "hs256" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Invoke_BadToken_Is401WithBearerChallengeAndNoTokenEcho(string because, string kind)
    {
        var token = BadToken(kind);
        var (http, ran) = await InvokeAsync("Infer", "/v2/models/m/infer", token);

        Assert.False(ran, because);
        Assert.Equal(StatusCodes.Status401Unauthorized, http.Response.StatusCode);
        var challenge = http.Response.Headers.WWWAuthenticate.ToString();
        Assert.StartsWith("Bearer", challenge, StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        var body = Body(http);
        Assert.Contains("bearer token is required", body, StringComparison.Ordinal);
        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Entries, entry => entry.Message.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invoke_NoToken_Is401WithBearerChallenge()
    {
        var (http, ran) = await InvokeAsync("Predict", "/models/m/predict", token: null);

        Assert.False(ran);
        Assert.Equal(StatusCodes.Status401Unauthorized, http.Response.StatusCode);
        Assert.StartsWith("Bearer", http.Response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("Authorization: Bearer", Body(http), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WrongAudience_NamesTheAcceptedAudiences()
    {
        var (http, _) = await InvokeAsync("Infer", "/v2/models/m/infer", BadToken("audience"));

        Assert.Contains($"expected {TestTokenIssuer.ClientId} or api://{TestTokenIssuer.ClientId}", Body(http), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_ExpiredToken_SaysItExpired()
    {
        var (http, _) = await InvokeAsync("Infer", "/v2/models/m/infer", BadToken("expired"));

        Assert.Contains("expired", Body(http), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Infer", "/v2/models/m/infer", new[] { "Models.Read" }, null)]
    [InlineData("GetModel", "/models/m", null, "Models.Predict")]
    public async Task Invoke_ValidTokenWithoutThePermission_Is403NamingIt(string function, string path, string[]? roles, string? scopes)
    {
        var (http, ran) = await InvokeAsync(function, path, _issuer.Mint(roles, scopes));

        Assert.False(ran);
        Assert.Equal(StatusCodes.Status403Forbidden, http.Response.StatusCode);
        Assert.Contains(function == "Infer" ? Permissions.Predict : Permissions.Read, Body(http), StringComparison.Ordinal);
        var logged = Assert.Single(_logs.Entries, e => e.Message.Contains("refused app", StringComparison.Ordinal) && e.Category == typeof(AuthMiddleware).FullName);
        Assert.Equal(TestTokenIssuer.CallerAppId, logged.Values["CallerAppId"]);
        Assert.Equal(TestTokenIssuer.CallerObjectId, logged.Values["CallerObjectId"]);
    }

    [Fact]
    public async Task Invoke_ValidTokenWithNoRolesAndNoScopes_Is403NamingThePermission()
    {
        // Microsoft.Identity.Web alone refuses such a token during authentication (IDW10201), which would be a 401.
        var (http, ran) = await InvokeAsync("Infer", "/v2/models/m/infer", _issuer.Mint(roles: null, scopes: null));

        Assert.False(ran);
        Assert.Equal(StatusCodes.Status403Forbidden, http.Response.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(Body(http));
        Assert.Contains($"neither the app role nor the scope '{Permissions.Predict}'", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(TestTokenIssuer.CallerAppId, AuthMiddleware.CallerOf(http).AppId);
    }

    [Fact]
    public async Task Invoke_PredictionRefused_IsRecordedWithOutcomeAuthAndTheCaller()
    {
        await InvokeAsync("Predict", "/models/refused-model/predict", _issuer.Mint([Permissions.Read]));

        await _host.Services.GetRequiredService<MetricsRecorder>().FlushAsync(CancellationToken.None);

        var rows = azurite.TableService.GetTableClient(MetricsTables.Default.Raw).QueryAsync<TableEntity>(row => row.RowKey.CompareTo("refused-model|") > 0 && row.RowKey.CompareTo("refused-model}") < 0);
        var found = new List<MetricsAggregate>();
        await foreach (var row in rows)
        {
            found.Add(MetricsAggregate.ReadFrom(row));
        }

        var aggregate = Assert.Single(found);
        Assert.Equal(1, aggregate.CountOf(OutcomeClass.Auth));
        Assert.Equal(new CallerFigures(1, 1), aggregate.Callers[TestTokenIssuer.CallerAppId]);
    }

    [Theory]
    [InlineData(new[] { "Models.Predict" }, null)]
    [InlineData(null, "Models.Read Models.Predict")]
    public async Task Invoke_RoleOrDelegatedScope_RunsTheFunctionAsThatCaller(string[]? roles, string? scopes)
    {
        var token = _issuer.Mint(roles, scopes);

        var (http, ran) = await InvokeAsync("Infer", "/v2/models/m/infer", token);

        Assert.True(ran);
        var caller = AuthMiddleware.CallerOf(http);
        Assert.Equal(TestTokenIssuer.CallerAppId, caller.AppId);
        Assert.Equal(TestTokenIssuer.CallerObjectId, caller.ObjectId);
        Assert.True(caller.Has(Permissions.Predict));
        var logged = Assert.Single(_logs.Entries, e => e.Message.Contains("called by app", StringComparison.Ordinal));
        Assert.Equal(TestTokenIssuer.CallerAppId, logged.Values["CallerAppId"]);
        Assert.DoesNotContain(_logs.Entries, entry => entry.Message.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invoke_AudienceApiUri_IsAccepted()
    {
        var token = _issuer.Mint([Permissions.Read], tweak: d => d.Audience = $"api://{TestTokenIssuer.ClientId}");

        var (_, ran) = await InvokeAsync("ListModels", "/models", token);

        Assert.True(ran);
    }

    [Theory]
    [InlineData("ServerLive", "/v2/health/live")]
    [InlineData("ServerReady", "/v2/health/ready")]
    [InlineData("ServerMetadata", "/v2")]
    public async Task Invoke_HealthAndServerMetadata_AreAnonymous(string function, string path)
    {
        var (_, ran) = await InvokeAsync(function, path, token: null);

        Assert.True(ran);
    }

    [Fact]
    public async Task Invoke_NonHttpTrigger_PassesThroughUntouched()
    {
        var middleware = ActivatorUtilities.CreateInstance<AuthMiddleware>(_host.Services);
        var ran = false;

        await middleware.Invoke(new TestFunctionContext("ReconcileModels", services: _host.Services), _ =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        Assert.True(ran);
    }

    [Fact]
    public void EveryHttpFunction_DeclaresAPermissionOrAnonymous()
    {
        var httpFunctions = typeof(Maas.Functions.Functions.RegisterModel).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods())
            .Where(method => method.GetParameters().Any(parameter => parameter.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.HttpTriggerAttribute), false).Length > 0))
            .Select(method => ((Microsoft.Azure.Functions.Worker.FunctionAttribute)method.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.FunctionAttribute), false).Single()).Name)
            .ToList();

        Assert.NotEmpty(httpFunctions);
        Assert.All(httpFunctions, name => Assert.Contains(name, FunctionPermissions.Names));

        Assert.All(httpFunctions, name => Assert.True(
            FunctionPermissions.IsAnonymous(name) || FunctionPermissions.RequiredBy(name) is not null,
            $"{name} declares neither [RequiresPermission] nor [AllowAnonymous]."));
    }

    private string BadToken(string kind) => kind switch
    {
        "not-a-jwt" => "not-a-jwt",
        "expired" => _issuer.Mint([Permissions.Predict], tweak: d => (d.IssuedAt, d.NotBefore, d.Expires) = (DateTime.UtcNow.AddHours(-3), DateTime.UtcNow.AddHours(-3), DateTime.UtcNow.AddHours(-2))),
        "future" => _issuer.Mint([Permissions.Predict], tweak: d => (d.IssuedAt, d.NotBefore, d.Expires) = (DateTime.UtcNow, DateTime.UtcNow.AddHours(1), DateTime.UtcNow.AddHours(2))),
        "audience" => _issuer.Mint([Permissions.Predict], tweak: d => d.Audience = "api://some-other-api"),
        "issuer" => _issuer.Mint([Permissions.Predict], tweak: d => d.Issuer = "https://login.microsoftonline.com/00000000-1111-2222-3333-444444444444/v2.0"),
        "foreign" => TestTokenIssuer.MintWithForeignKey([Permissions.Predict]),
        "none" => _issuer.MintUnsigned([Permissions.Predict]),
        "hs256" => _issuer.MintHs256WithPublicKey([Permissions.Predict]),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private async Task<(HttpContext Http, bool Ran)> InvokeAsync(string function, string path, string? token)
    {
        var http = new DefaultHttpContext { RequestServices = _host.Services };
        http.Request.Path = path;
        http.Response.Body = new MemoryStream();
        if (token is not null)
        {
            http.Request.Headers.Authorization = $"Bearer {token}";
        }

        var ran = false;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var modelIndex = Array.IndexOf(segments, "models") + 1;
        var bindingData = modelIndex > 0 && modelIndex < segments.Length ? new Dictionary<string, object?> { ["name"] = segments[modelIndex] } : [];
        await WorkerPipeline.InvokeAsync(new TestFunctionContext(function, http, _host.Services, bindingData), _host.Services, () => ran = true);
        return (http, ran);
    }

    private static string Body(HttpContext http) => System.Text.Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
}
