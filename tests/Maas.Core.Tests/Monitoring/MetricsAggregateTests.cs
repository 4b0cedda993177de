using Azure.Data.Tables;
using Maas.Core.Monitoring;

namespace Maas.Core.Tests.Monitoring;

public sealed class MetricsAggregateTests
{
    private static PredictionRecord Generative(string caller, long prompt, long completion, double firstTokenMs) => new()
    {
        Timestamp = DateTimeOffset.UnixEpoch,
        Model = "m",
        Version = "1",
        Outcome = OutcomeClass.Ok,
        TotalTime = TimeSpan.FromMilliseconds(100),
        CallerAppId = caller,
        PromptTokens = prompt,
        CompletionTokens = completion,
        TimeToFirstToken = TimeSpan.FromMilliseconds(firstTokenMs),
        TimePerOutputToken = TimeSpan.FromMilliseconds(2),
    };

    [Fact]
    public void Merge_TwoInstancesMinutes_SumsTokensPerCallerAndMergesTimeToFirstToken()
    {
        var a = new MetricsAggregate();
        a.Add(Generative("x", 10, 20, 5));
        var b = new MetricsAggregate();
        b.Add(Generative("x", 1, 2, 50));
        b.Add(Generative("y", 3, 4, 50));

        a.Merge(b);

        Assert.Equal((14, 26), (a.PromptTokens, a.CompletionTokens));
        Assert.Equal(new CallerFigures(2, 0, 11, 22), a.Callers["x"]);
        Assert.Equal(new CallerFigures(1, 0, 3, 4), a.Callers["y"]);
        Assert.Equal(3, a.TimeToFirstToken.Count);
        Assert.InRange(a.TimeToFirstToken.Quantile(0.5).TotalMilliseconds, 49, 51);
    }

    [Fact]
    public void WriteToReadFrom_TokensAndTokenTimes_RoundTrip()
    {
        var aggregate = new MetricsAggregate();
        aggregate.Add(Generative("x", 7, 9, 12));
        var entity = new TableEntity("p", "r");

        aggregate.WriteTo(entity);
        var back = MetricsAggregate.ReadFrom(entity);

        Assert.Equal((7, 9), (back.PromptTokens, back.CompletionTokens));
        Assert.Equal(1, back.TimeToFirstToken.Count);
        Assert.Equal(1, back.TimePerOutputToken.Count);
        Assert.Equal(new CallerFigures(1, 0, 7, 9), back.Callers["x"]);
    }

    [Fact]
    public void ReadFrom_ARowWrittenBeforeTokens_HasNone()
    {
        var entity = new TableEntity("p", "r") { ["Requests"] = 3L, ["Callers"] = """{"x":{"Requests":3,"Errors":0}}""" };

        var back = MetricsAggregate.ReadFrom(entity);

        Assert.Equal((0, 0, 0), (back.PromptTokens, back.CompletionTokens, back.TimeToFirstToken.Count));
        Assert.Equal(new CallerFigures(3, 0), back.Callers["x"]);
    }
}
