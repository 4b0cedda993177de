using System.Globalization;
using System.Text.RegularExpressions;

namespace Maas.Core.Monitoring;

/// <summary>The id under which this instance writes its raw metric rows.</summary>
public sealed partial record MetricsInstance(string Id)
{
    /// <summary>The host's instance id (App Service / Functions, Container Apps replica), else machine name and process id.</summary>
    public static MetricsInstance FromEnvironment()
    {
        var id = Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID")
            ?? Environment.GetEnvironmentVariable("CONTAINER_APP_REPLICA_NAME")
            ?? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}");
        return new MetricsInstance(KeyUnsafe().Replace(id, "_"));
    }

    [GeneratedRegex(@"[/\\#?|\u0000-\u001f\u007f-\u009f]")]
    private static partial Regex KeyUnsafe();
}
