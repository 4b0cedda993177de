using System.ComponentModel.DataAnnotations;

namespace Maas.Core.Monitoring;

/// <summary>Settings of per-instance recording and the rollup job (configuration section <c>Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    public const string SectionName = "Monitoring";

    /// <summary>How often each instance writes its open per-minute aggregates to <c>MetricsRaw</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Monitoring:FlushInterval must be between 00:00:01 and 01:00:00.")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long raw per-instance rows are kept after they were rolled up.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00", ErrorMessage = "Monitoring:RawRetention must be between 01:00:00 and 365.00:00:00.")]
    public TimeSpan RawRetention { get; set; } = TimeSpan.FromDays(2);

    /// <summary>
    /// Most per-minute aggregates (one per minute, model and version) an instance keeps while its flushes fail; beyond
    /// it the oldest are dropped and counted (<c>maas.metrics.dropped_minutes</c>), so an outage cannot exhaust memory.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Monitoring:MaxBufferedMinutes must be between 1 and 1000000.")]
    public int MaxBufferedMinutes { get; set; } = 10_000;

    /// <summary>Latency SLO: a model whose p95 over a rollup period exceeds this is flagged.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00", ErrorMessage = "Monitoring:SloP95Latency must be between 00:00:00.001 and 00:10:00.")]
    public TimeSpan SloP95Latency { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Error-rate SLO (fraction of requests, 0 to 1): a model above it is flagged.</summary>
    [Range(0.0, 1.0, ErrorMessage = "Monitoring:SloErrorRate must be a fraction between 0 and 1.")]
    public double SloErrorRate { get; set; } = 0.01;
}
