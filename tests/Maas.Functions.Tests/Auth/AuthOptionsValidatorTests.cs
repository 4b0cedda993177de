using Maas.Functions.Auth;
using Maas.Functions.Hosting;
using Maas.TestKit.Auth;
using Maas.TestKit.Hosting;
using Maas.TestKit.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Tests.Auth;

public sealed class AuthOptionsValidatorTests
{
    [Theory]
    [InlineData("Production", null, "local development only")]
    [InlineData("Production", "Staging", "local development only")]
    [InlineData("Development", "WEBSITE_INSTANCE_ID", "WEBSITE_INSTANCE_ID is set")]
    [InlineData("Development", "CONTAINER_APP_NAME", "CONTAINER_APP_NAME is set")]
    public async Task Start_AuthDisabledOutsideLocalDevelopment_IsRefused(string environment, string? extra, string reason)
    {
        var settings = SampleSettings.With(("Auth:Mode", "Disabled"), ("AZURE_FUNCTIONS_ENVIRONMENT", extra == "Staging" ? "Staging" : null));
        if (extra is "WEBSITE_INSTANCE_ID" or "CONTAINER_APP_NAME")
        {
            settings[extra] = "an-azure-host";
        }

        using var host = TestHost.BuildApp(settings, builder => builder.AddMaasFunctions(), environment);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Auth:Mode=Disabled", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AuthDisabledInDevelopment_StartsWithAWarning()
    {
        var logs = new LogRecorder();
        using var host = TestHost.BuildApp(SampleSettings.With(("Auth:Mode", "Disabled")), builder =>
        {
            builder.AddMaasFunctions();
            builder.Logging.AddProvider(logs.AsProvider());
        });

        await host.StartAsync();

        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Auth:Mode is Disabled", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task Invoke_AuthDisabled_RunsWithoutTokenAndMarksTheResponse()
    {
        using var host = TestHost.BuildApp(SampleSettings.With(("Auth:Mode", "Disabled")), builder => builder.AddMaasFunctions());
        var http = new DefaultHttpContext { RequestServices = host.Services };
        var ran = false;

        await ActivatorUtilities.CreateInstance<AuthMiddleware>(host.Services).Invoke(new TestFunctionContext("Infer", http, host.Services), _ =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        Assert.True(ran);
        Assert.Equal("disabled", http.Response.Headers[AuthMiddleware.AuthDisabledHeader].ToString());
        Assert.True(AuthMiddleware.CallerOf(http).IsAuthDisabled);
    }

    [Theory]
    [InlineData("AzureAd:ClientId")]
    [InlineData("AzureAd:TenantId")]
    [InlineData("AzureAd:Instance")]
    public async Task Start_EntraIdWithoutAzureAdSetting_IsRefusedNamingIt(string setting)
    {
        using var host = TestHost.BuildApp(SampleSettings.With([.. TestTokenIssuer.Settings, (setting, null)]), builder => builder.AddMaasFunctions());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownAuthMode_IsRefusedNamingIt()
    {
        using var host = TestHost.BuildApp(SampleSettings.With(("Auth:Mode", "Off")), builder => builder.AddMaasFunctions());

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("Auth", error.Message, StringComparison.Ordinal);
    }
}
