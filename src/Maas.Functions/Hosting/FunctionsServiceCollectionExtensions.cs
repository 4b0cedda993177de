using Maas.Core;
using Maas.Functions.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Maas.Functions.Hosting;

internal static class FunctionsServiceCollectionExtensions
{
    /// <summary>Everything the functions need: Core services, storage clients, auth, telemetry and the timer schedules, all validated at start-up.</summary>
    public static IHostApplicationBuilder AddMaasFunctions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMaasCore();
        builder.Services.AddModelStorage();
        builder.Services.AddRequestBodyLimit();
        builder.Services.AddMaasAuth(builder.Configuration);
        builder.AddMaasTelemetry();
        builder.Services.AddOptions<TimerScheduleOptions>()
            .BindConfiguration(string.Empty)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }
}
