using Maas.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Functions.Hosting;

internal static class FunctionsServiceCollectionExtensions
{
    /// <summary>Everything the functions need: Core services, storage clients and the timer schedules, all validated at start-up.</summary>
    public static IServiceCollection AddMaasFunctions(this IServiceCollection services)
    {
        services.AddMaasCore();
        services.AddModelStorage();
        services.AddOptions<TimerScheduleOptions>()
            .BindConfiguration(string.Empty)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
