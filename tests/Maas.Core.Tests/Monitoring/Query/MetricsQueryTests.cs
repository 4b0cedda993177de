using Maas.Core.Errors;
using Maas.Core.Monitoring.Query;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Monitoring.Query;

/// <summary>Predictions through the data plane, flushed, rolled up and read back through the metrics API.</summary>
[Collection(UsesAzurite.Name)]
public sealed class MetricsQueryTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = new(azurite);

    [Fact]
    public async Task GetAsync_AfterPredictionsAndAggregation_ReturnsWhatWasAggregated()
    {
        var (name, now) = await PredictAndAggregateAsync();

        var report = await Query().GetAsync(name, "minute", Iso(now.AddMinutes(-10)), Iso(now.AddMinutes(10)), null, null, CancellationToken.None);

        // The three calls may straddle a minute boundary: sum the points.
        var points = report.Points;
        Assert.Equal(3, points.Sum(p => p.Requests));
        Assert.Equal(2, points.Sum(p => p.Outcomes["ok"]));
        Assert.Equal(1, points.Sum(p => p.Outcomes["clientError"]));
        Assert.All(points, p => Assert.Equal(MetricsPoint.AllVersions, p.Version));
        Assert.Equal(1, points.Sum(p => p.ColdLoads));
        Assert.Equal(["CPUExecutionProvider"], points.SelectMany(p => p.ExecutionProviders).Distinct());
        Assert.Equal(3, points.Sum(p => p.Callers["anonymous"].Requests));
        Assert.Equal(1, points.Sum(p => p.Callers["anonymous"].Errors));
        Assert.All(points, p => Assert.True(p.LatencyMs["p50"] > 0));
        Assert.All(points, p => Assert.Equal(0, p.ErrorRate));
    }

    [Fact]
    public async Task GetAsync_HourGrainVersionAndCallerFilters_SelectTheRows()
    {
        var (name, now) = await PredictAndAggregateAsync();

        var hour = await Query().GetAsync(name, "hour", Iso(now.AddHours(-2)), Iso(now.AddHours(1)), "1", "anonymous", CancellationToken.None);
        var otherCaller = await Query().GetAsync(name, "hour", Iso(now.AddHours(-2)), Iso(now.AddHours(1)), null, "someone-else", CancellationToken.None);

        Assert.Equal(3, hour.Points.Sum(p => p.Requests));
        Assert.All(hour.Points, p => Assert.Equal("1", p.Version));
        Assert.Empty(otherCaller.Points);
    }

    [Fact]
    public async Task GetAsync_CaptureRecordsDroppedForAFullQueue_AreCountedInThePeriod()
    {
        using var serving = new ServingHarness(azurite, capture: new Maas.Core.Capture.CaptureOptions { ContainerName = AzuriteFixture.UniqueName("captures"), QueueCapacity = 1 });
        var name = await serving.AddModelAsync(TestModels.Linear(), """{"capture":{"sampleRate":1}}""");
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            using var response = await serving.PredictAsync(name, """{"input":[[1,2,3,4]]}""");
        }

        await serving.RollUpAsync(now);

        var report = await serving.MetricsQuery.GetAsync(name, "minute", Iso(now.AddMinutes(-10)), Iso(now.AddMinutes(10)), null, null, CancellationToken.None);

        Assert.Equal(3, report.Points.Sum(p => p.Requests));
        Assert.Equal(2, report.Points.Sum(p => p.CaptureDropped));
    }

    [Theory]
    [InlineData("day", null, null, null, "grain is 'day'")]
    [InlineData("minute", "yesterday", null, null, "from is 'yesterday'")]
    [InlineData("minute", "2026-11-02T10:00:00Z", "2026-11-02T09:00:00Z", null, "from must not be after to")]
    [InlineData("minute", "2026-10-01T00:00:00Z", "2026-11-02T00:00:00Z", null, "at most")]
    [InlineData("hour", null, null, "v1", "version is 'v1'")]
    public async Task GetAsync_BadParameter_IsBadRequestNamingIt(string grain, string? from, string? to, string? version, string fragment)
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        var error = await Assert.ThrowsAsync<MaasException>(() => Query().GetAsync(name, grain, from, to, version, null, CancellationToken.None));

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_UnknownModel_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<MaasException>(() => Query().GetAsync("no-such-model", null, null, null, null, null, CancellationToken.None));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    public void Dispose() => _serving.Dispose();

    private MetricsQuery Query() => _serving.MetricsQuery;

    /// <summary>Two good predictions and one bad one, flushed and rolled up a few minutes later.</summary>
    private async Task<(string Name, DateTimeOffset Now)> PredictAndAggregateAsync()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var now = DateTimeOffset.UtcNow;
        using (await _serving.PredictAsync(name, """{"input":[[1,2,3,4]]}"""))
        using (await _serving.PredictAsync(name, """{"input":[[1,2,3,4],[5,6,7,8]]}"""))
        {
        }

        await Assert.ThrowsAsync<MaasException>(() => _serving.PredictAsync(name, """{"input":[[1,2,3]]}"""));
        await _serving.RollUpAsync(now);
        return (name, now);
    }

    private static string Iso(DateTimeOffset time) => time.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
