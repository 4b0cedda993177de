using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Maas.TestKit.Hosting;

/// <summary>A generic host over in-memory settings, for proving what the app's service registration does at start-up.</summary>
public static class TestHost
{
    public static IHost Build(Dictionary<string, string?> settings, Action<IServiceCollection> addServices)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        addServices(builder.Services);
        return builder.Build();
    }
}
