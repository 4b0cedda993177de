using System.Diagnostics;

namespace Maas.Benchmarks;

/// <summary>Latency of one scenario: per-call times after a warm-up, in milliseconds.</summary>
internal sealed record Timing(string Name, int Calls, double MedianMs, double P90Ms, double P99Ms)
{
    public static Timing From(string name, List<double> samples)
    {
        samples.Sort();
        return new Timing(name, samples.Count, At(samples, 0.5), At(samples, 0.9), At(samples, 0.99));
    }

    private static double At(List<double> sorted, double quantile) => sorted[Math.Min(sorted.Count - 1, (int)(quantile * sorted.Count))];
}

/// <summary>The harness: time-boxed latency runs, closed-loop throughput with concurrent callers, and allocation counts.</summary>
internal static class Measure
{
    /// <summary>
    /// Several scenarios measured in alternating rounds (A B C A B C ...), so a slower or faster stretch of a shared
    /// machine falls on all of them alike and their ratios stay fair.
    /// </summary>
    public static async Task<Timing[]> InterleavedAsync(IReadOnlyList<(string Name, Func<Task> Call)> scenarios, TimeSpan budget, int rounds = 6)
    {
        var samples = scenarios.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < scenarios.Count; i++)
            {
                var timing = await SamplesAsync(scenarios[i].Call, budget / rounds, minCalls: 5, warmUp: round == 0);
                samples[i].AddRange(timing);
            }
        }

        return [.. scenarios.Select((scenario, i) => Timing.From(scenario.Name, samples[i]))];
    }

    public static async Task<Timing> LatencyAsync(string name, Func<Task> call, TimeSpan budget, int minCalls = 20)
        => Timing.From(name, await SamplesAsync(call, budget, minCalls, warmUp: true));

    private static async Task<List<double>> SamplesAsync(Func<Task> call, TimeSpan budget, int minCalls, bool warmUp, int maxCalls = 100_000)
    {
        var warmUntil = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency / 5);
        for (var i = 0; warmUp && (i < 3 || Stopwatch.GetTimestamp() < warmUntil); i++)
        {
            await call();
        }

        var samples = new List<double>();
        var stopAt = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        while ((samples.Count < minCalls || Stopwatch.GetTimestamp() < stopAt) && samples.Count < maxCalls)
        {
            var started = Stopwatch.GetTimestamp();
            await call();
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return samples;
    }

    public static Task<Timing> Latency(string name, Action call, TimeSpan budget, int minCalls = 20)
        => LatencyAsync(name, () =>
        {
            call();
            return Task.CompletedTask;
        }, budget, minCalls);

    /// <summary><paramref name="callers"/> callers each calling in a loop for <paramref name="duration"/>: completed calls per second and p99 latency.</summary>
    public static async Task<(double PerSecond, double P99Ms)> ThroughputAsync(int callers, Func<Task> call, TimeSpan duration)
    {
        for (var i = 0; i < Math.Min(callers, 8); i++)
        {
            await call();
        }

        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        var perCaller = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var begin = Stopwatch.GetTimestamp();
                await call();
                latencies.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
            }

            return latencies;
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = perCaller.SelectMany(l => l).ToList();
        return (all.Count / elapsed, Timing.From("throughput", all).P99Ms);
    }

    /// <summary>Bytes allocated per call, over <paramref name="calls"/> sequential calls after a warm-up.</summary>
    public static async Task<double> AllocatedBytesPerCallAsync(Func<Task> call, int calls = 300)
    {
        for (var i = 0; i < 50; i++)
        {
            await call();
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < calls; i++)
        {
            await call();
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)calls;
    }
}
