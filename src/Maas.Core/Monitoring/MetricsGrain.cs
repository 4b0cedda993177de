namespace Maas.Core.Monitoring;

/// <summary>The period of a rollup.</summary>
public enum MetricsGrain
{
    Minute,
    Hour,
}
