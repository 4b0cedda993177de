using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Maas.Core.Telemetry;

/// <summary>The meter and activity source every Maas instrument and span hangs from (exported by OpenTelemetry when configured).</summary>
public static class MaasTelemetry
{
    public const string Name = "Maas";

    public static Meter Meter { get; } = new(Name);

    public static ActivitySource ActivitySource { get; } = new(Name);
}
