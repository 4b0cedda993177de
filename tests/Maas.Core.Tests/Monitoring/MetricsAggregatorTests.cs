using Azure.Data.Tables;
using Maas.Core.Monitoring;
using Maas.TestKit.Azurite;
using Maas.TestKit.Monitoring;
using Maas.TestKit.Storage;
using Microsoft.Extensions.Logging;

namespace Maas.Core.Tests.Monitoring;

/// <summary>Recorders of several instances flush to real Azurite; the aggregator's rollups must equal figures computed exactly from the events.</summary>
[Collection(UsesAzurite.Name)]
public sealed class MetricsAggregatorTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly string[] Callers = ["app-a", "app-b", "app-c"];

    [Fact]
    public async Task RunAsync_TwoInstancesOverlappingMinutes_RollupsEqualExactFigures()
    {
        var harness = NewHarness();
        var events = Events(seed: 5);
        await RecordAndFlushAsync(harness, events);

        var result = await harness.Aggregator().RunAsync(CancellationToken.None);

        var groups = events.GroupBy(e => (MetricsTables.MinuteOf(e.Record.Timestamp), e.Record.Model, e.Record.Version)).ToList();
        Assert.Equal(groups.Count, result.MinuteRollups);
        foreach (var group in groups)
        {
            var rollup = await harness.RollupAsync(group.Key.Item2, group.Key.Item3, MetricsGrain.Minute, group.Key.Item1);
            AssertEqualsExact([.. group.Select(e => e.Record)], rollup);
        }

        foreach (var model in events.GroupBy(e => (e.Record.Model, e.Record.Version)))
        {
            AssertEqualsExact([.. model.Select(e => e.Record)], await harness.RollupAsync(model.Key.Model, model.Key.Version, MetricsGrain.Hour, Start));
        }
    }

    [Fact]
    public async Task RunAsync_RunAgain_ChangesNothing()
    {
        var harness = NewHarness();
        await RecordAndFlushAsync(harness, Events(seed: 6));
        await harness.Aggregator().RunAsync(CancellationToken.None);
        var first = await harness.RollupSnapshotAsync();

        var again = await harness.Aggregator().RunAsync(CancellationToken.None);

        Assert.Equal(0, again.MinuteRollups);
        Assert.Equal(first, await harness.RollupSnapshotAsync());
    }

    [Fact]
    public async Task RunAsync_InterruptedHalfWayThenRerun_EqualsOneCleanRun()
    {
        var events = Events(seed: 7);
        var clean = NewHarness();
        await RecordAndFlushAsync(clean, events);
        await clean.Aggregator().RunAsync(CancellationToken.None);
        var interrupted = NewHarness();
        await RecordAndFlushAsync(interrupted, events);
        var outage = new StorageFaultPolicy { Applies = StorageFaultPolicy.Writes, PassBeforeFaults = 6 };

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => interrupted.Aggregator(outage).RunAsync(CancellationToken.None));
        Assert.NotEmpty(await interrupted.RollupSnapshotAsync());
        await interrupted.Aggregator().RunAsync(CancellationToken.None);

        Assert.Equal(await clean.RollupSnapshotAsync(), await interrupted.RollupSnapshotAsync());
    }

    [Fact]
    public async Task RunAsync_RawRowsPastRetention_AreDeletedAndNewerOnesKept()
    {
        var harness = NewHarness();
        await RecordAndFlushAsync(harness, Events(seed: 8));
        await harness.Aggregator().RunAsync(CancellationToken.None);
        harness.Clock.SetUtcNow(Start.AddHours(1).AddMinutes(30));
        var recent = harness.Recorder("late-instance");
        recent.Record(Record(Start.AddHours(1).AddMinutes(25), "m-recent", "1", OutcomeClass.Ok, 5, "app-a"));
        await recent.FlushAsync(CancellationToken.None);

        var result = await harness.Aggregator().RunAsync(CancellationToken.None);

        var remaining = new List<TableEntity>();
        await foreach (var row in harness.Raw.QueryAsync<TableEntity>())
        {
            remaining.Add(row);
        }

        Assert.True(result.RawRowsDeleted > 0);
        Assert.Equal(["m-recent"], remaining.Select(r => r.GetString("Model")));
        Assert.NotNull(await harness.RollupAsync("m-recent", "1", MetricsGrain.Minute, Start.AddHours(1).AddMinutes(25)));
    }

    [Fact]
    public async Task Record_MoreThanTheFoldThresholdBeforeAFlush_HoldsAggregatesAndTheRollupCountsEveryCall()
    {
        var harness = NewHarness();
        var recorder = harness.Recorder("i1");
        const int Calls = (2 * MetricsRecorder.FoldThreshold) + 10;
        for (var i = 0; i < Calls; i++)
        {
            recorder.Record(Record(Start.AddMilliseconds(i), "busy", "1", OutcomeClass.Ok, 1 + (i % 7), "app-a") with { FromBatch = i % 2 == 0 });
        }

        Assert.True(recorder.Pending < MetricsRecorder.FoldThreshold, $"{recorder.Pending} records still queued");
        await recorder.FlushAsync(CancellationToken.None);
        harness.Clock.SetUtcNow(Start.AddMinutes(10));
        await harness.Aggregator().RunAsync(CancellationToken.None);

        var rollup = await harness.RollupAsync("busy", "1", MetricsGrain.Minute, Start);
        Assert.NotNull(rollup);
        Assert.Equal((Calls, (Calls + 1) / 2), (rollup.Requests, rollup.BatchCalls));
    }

    [Fact]
    public async Task RunAsync_ModelOverLatencySlo_IsFlaggedAndLoggedAsWarning()
    {
        var harness = NewHarness();
        var recorder = harness.Recorder("i1");
        for (var i = 0; i < 20; i++)
        {
            recorder.Record(Record(Start.AddSeconds(i), "slow", "1", OutcomeClass.Ok, 2_000 + i, "app-a"));
            recorder.Record(Record(Start.AddSeconds(i), "fast", "1", OutcomeClass.Ok, 3, "app-a"));
        }

        await recorder.FlushAsync(CancellationToken.None);
        harness.Clock.SetUtcNow(Start.AddMinutes(10));

        var result = await harness.Aggregator().RunAsync(CancellationToken.None);

        Assert.Equal(1, result.SloBreaches);
        var slow = await harness.Rollup.GetEntityAsync<TableEntity>(MetricsTables.RollupPartition("slow", MetricsGrain.Minute), MetricsTables.RollupRowKey(Start, "1"));
        Assert.True(slow.Value.GetBoolean("SloBreached"));
        var warning = Assert.Single(harness.Logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal("slow", warning.Values["ModelName"]);
    }

    [Fact]
    public async Task RunAsync_InstanceFlushesFailForTwoMinutesWhileRollupsRun_CountsEveryPredictionOnceStorageReturns()
    {
        var harness = NewHarness();
        var outage = new StorageFaultPolicy { Mode = StorageFault.None };
        var recorder = harness.Recorder("instance-x", faults: outage);
        List<PredictionRecord> recorded = [];
        void Predict(DateTimeOffset at, int calls)
        {
            for (var i = 0; i < calls; i++)
            {
                var record = Record(at.AddSeconds(i), "m-outage", "1", OutcomeClass.Ok, 10 + i, "app-a");
                recorder.Record(record);
                recorded.Add(record);
            }
        }

        Predict(Start, 3);
        await recorder.FlushAsync(CancellationToken.None);
        outage.Mode = StorageFault.ConnectionRefused;
        Predict(Start.AddMinutes(1), 4);
        harness.Clock.SetUtcNow(Start.AddMinutes(2));
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => recorder.FlushAsync(CancellationToken.None));
        Predict(Start.AddMinutes(2), 5);
        harness.Clock.SetUtcNow(Start.AddMinutes(6));
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => recorder.FlushAsync(CancellationToken.None));

        // The rollup (on storage this instance cannot reach) closes the outage minutes without the instance's rows.
        await harness.Aggregator().RunAsync(CancellationToken.None);
        Assert.Equal(3, (await harness.RollupAsync("m-outage", "1", MetricsGrain.Hour, Start))!.Requests);

        outage.Mode = StorageFault.None;
        await recorder.FlushAsync(CancellationToken.None);
        await harness.Aggregator().RunAsync(CancellationToken.None);

        AssertEqualsExact(recorded, await harness.RollupAsync("m-outage", "1", MetricsGrain.Hour, Start));
        Assert.Equal(4, (await harness.RollupAsync("m-outage", "1", MetricsGrain.Minute, Start.AddMinutes(1)))!.Requests);
        Assert.Equal(5, (await harness.RollupAsync("m-outage", "1", MetricsGrain.Minute, Start.AddMinutes(2)))!.Requests);
    }

    [Fact]
    public async Task FlushAsync_FailingPastMaxBufferedMinutes_DropsTheOldestAndCountsThem()
    {
        var harness = new MonitoringHarness(azurite, new MonitoringOptions { MaxBufferedMinutes = 2 }, Start);
        var outage = new StorageFaultPolicy();
        var recorder = harness.Recorder("instance-y", faults: outage);
        for (var minute = 0; minute < 4; minute++)
        {
            recorder.Record(Record(Start.AddMinutes(minute), "m-buffer", "1", OutcomeClass.Ok, 5, "app-a"));
        }

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => recorder.FlushAsync(CancellationToken.None));
        outage.Mode = StorageFault.None;
        await recorder.FlushAsync(CancellationToken.None);

        Assert.Equal(2, recorder.Dropped);
        var written = new List<string>();
        await foreach (var row in harness.Raw.QueryAsync<TableEntity>(e => e.RowKey.CompareTo("m-buffer|") > 0 && e.RowKey.CompareTo("m-buffer}") < 0))
        {
            written.Add(row.PartitionKey);
        }

        Assert.Equal([MetricsTables.TimeKey(Start.AddMinutes(2)), MetricsTables.TimeKey(Start.AddMinutes(3))], written.Order(StringComparer.Ordinal));
    }

    /// <summary>Two calls, one refused: the mean batch size is the one that ran (4 rows), not (4 + 0) / 2.</summary>
    [Fact]
    public void MeanBatchSize_ACallRefused_AveragesOnlyTheCallsThatRan()
    {
        var aggregate = new MetricsAggregate();
        aggregate.Add(Record(Start, "m", "1", OutcomeClass.Ok, 5, "app-a", batch: 4));
        aggregate.Add(Record(Start, "m", "1", OutcomeClass.ClientError, 5, "app-a", batch: 0));
        aggregate.Add(Record(Start, "m", "1", OutcomeClass.ClientError, 5, "app-a", batch: 1));

        Assert.Equal(4.0, aggregate.MeanBatchSize);
        Assert.Equal(0.0, new MetricsAggregate().MeanBatchSize);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 8)]
    [InlineData(40, 8)]
    public void DelayAfter_ConsecutiveFailures_DoublesTheIntervalUpToEight(int failures, int intervals)
        => Assert.Equal(TimeSpan.FromSeconds(30 * intervals), MetricsFlushService.DelayAfter(failures, TimeSpan.FromSeconds(30)));

    private MonitoringHarness NewHarness() => new(azurite, new MonitoringOptions { RawRetention = TimeSpan.FromHours(1) }, Start);

    /// <summary>Records each event on its instance's recorder, flushing midway and at the end (a second flush replaces the first).</summary>
    private static async Task RecordAndFlushAsync(MonitoringHarness harness, List<(string Instance, PredictionRecord Record)> events)
    {
        var recorders = events.Select(e => e.Instance).Distinct().ToDictionary(id => id, id => harness.Recorder(id));
        harness.Clock.SetUtcNow(Start.AddMinutes(4));
        for (var i = 0; i < events.Count; i++)
        {
            recorders[events[i].Instance].Record(events[i].Record);
            if (i == events.Count / 2)
            {
                await Task.WhenAll(recorders.Values.Select(r => r.FlushAsync(CancellationToken.None)));
            }
        }

        await Task.WhenAll(recorders.Values.Select(r => r.FlushAsync(CancellationToken.None)));
        harness.Clock.SetUtcNow(Start.AddMinutes(10));
    }

    /// <summary>Instance i1 records minutes 0-2, instance i2 minutes 1-3: minutes 1 and 2 come from both.</summary>
    private static List<(string Instance, PredictionRecord Record)> Events(int seed)
    {
        var random = new Random(seed);
        var events = new List<(string, PredictionRecord)>();
        foreach (var (instance, firstMinute) in new[] { ("i1", 0), ("i2", 1) })
        {
            for (var i = 0; i < 600; i++)
            {
                var time = Start.AddMinutes(firstMinute + random.Next(3)).AddSeconds(random.Next(60));
                var outcome = random.Next(10) switch { < 7 => OutcomeClass.Ok, 7 => OutcomeClass.ClientError, 8 => OutcomeClass.ServerError, _ => OutcomeClass.Throttled };
                var latency = Math.Exp(random.NextDouble() * 8);
                events.Add((instance, Record(time, random.Next(2) == 0 ? "ma" : "mb", random.Next(2) == 0 ? "1" : "2", outcome, latency, Callers[random.Next(3)], random.Next(50) == 0, random.Next(1, 5))));
            }
        }

        return events;
    }

    private static PredictionRecord Record(DateTimeOffset time, string model, string version, OutcomeClass outcome, double latencyMs, string caller, bool coldLoad = false, int batch = 1)
        => new()
        {
            Timestamp = time,
            Model = model,
            Version = version,
            Outcome = outcome,
            InferenceTime = TimeSpan.FromMilliseconds(latencyMs / 2),
            TotalTime = TimeSpan.FromMilliseconds(latencyMs),
            BatchSize = batch,
            BytesIn = 100 * batch,
            BytesOut = 12 * batch,
            CallerAppId = caller,
            ExecutionProvider = "CPUExecutionProvider",
            ColdLoadTime = coldLoad ? TimeSpan.FromMilliseconds(80) : null,
        };

    private static void AssertEqualsExact(List<PredictionRecord> records, MetricsAggregate? rollup)
    {
        Assert.NotNull(rollup);
        Assert.Equal(records.Count, rollup.Requests);
        Assert.All(Enum.GetValues<OutcomeClass>(), outcome => Assert.Equal(records.Count(r => r.Outcome == outcome), rollup.CountOf(outcome)));
        Assert.Equal(records.Where(r => r.Outcome == OutcomeClass.Ok).Sum(r => (long)r.BatchSize), rollup.BatchSizeSum);
        Assert.Equal(records.Sum(r => r.BytesIn), rollup.BytesIn);
        Assert.Equal(records.Sum(r => r.BytesOut), rollup.BytesOut);
        Assert.Equal(records.Count(r => r.ColdLoadTime is not null), rollup.ColdLoads);
        foreach (var caller in records.GroupBy(r => r.CallerAppId))
        {
            Assert.Equal(new CallerFigures(caller.Count(), caller.Count(r => r.Outcome != OutcomeClass.Ok)), rollup.Callers[caller.Key]);
        }

        var sorted = records.Select(r => r.TotalTime).Order().ToArray();
        foreach (var quantile in new[] { 0.5, 0.9, 0.95, 0.99 })
        {
            var exact = sorted[Math.Max(1, (int)((quantile * sorted.Length) + 0.5)) - 1]; // nearest rank, rounded
            Assert.InRange(Math.Abs((rollup.Latency.Quantile(quantile) - exact) / exact), 0, 0.02);
        }
    }
}
