using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Maas.TestKit.Hosting;

/// <summary>A generic host over in-memory settings, for proving what the app's service registration does at start-up.</summary>
public static class TestHost
{
    public static IHost Build(Dictionary<string, string?> settings, Action<IServiceCollection> addServices)
    {
        ArgumentNullException.ThrowIfNull(addServices);
        return BuildApp(settings, builder => addServices(builder.Services));
    }

    /// <summary>A host built the way Program.cs builds the app: <paramref name="configure"/> gets the application builder.</summary>
    public static IHost BuildApp(Dictionary<string, string?> settings, Action<IHostApplicationBuilder> configure, string environmentName = "Production")
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environmentName });
        builder.Configuration.AddInMemoryCollection(settings);
        configure(builder);
        return builder.Build();
    }
}
