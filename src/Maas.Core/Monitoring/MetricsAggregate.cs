using System.Text.Json;
using Azure.Data.Tables;

namespace Maas.Core.Monitoring;

/// <summary>
/// Mergeable figures of a set of predictions (one instance's minute, or many merged): counts per outcome, sums,
/// the latency histogram, per-caller counts. Stored as table columns; merging two aggregates equals aggregating the
/// union of their predictions.
/// </summary>
public sealed class MetricsAggregate
{
    private static readonly OutcomeClass[] Outcomes = Enum.GetValues<OutcomeClass>();
    private readonly long[] _outcomes = new long[Outcomes.Length];

    public long Requests { get; private set; }

    public long QueueMicroseconds { get; private set; }

    public long InferenceMicroseconds { get; private set; }

    public long TotalMicroseconds { get; private set; }

    /// <summary>Rows of the calls that ran (outcome ok): divided by their count, the mean batch size.</summary>
    public long BatchSizeSum { get; private set; }

    /// <summary>The mean rows per run of the calls that ran (0 when none did): refused and failed calls do not count.</summary>
    public double MeanBatchSize => CountOf(OutcomeClass.Ok) == 0 ? 0 : (double)BatchSizeSum / CountOf(OutcomeClass.Ok);

    public long BytesIn { get; private set; }

    public long BytesOut { get; private set; }

    public long ColdLoads { get; private set; }

    public long ColdLoadMicroseconds { get; private set; }

    /// <summary>Calls sampled for capture whose record was dropped because the capture queue was full.</summary>
    public long CaptureDropped { get; private set; }

    /// <summary>Calls that were lines of batch jobs (counted in <see cref="Requests"/> too).</summary>
    public long BatchCalls { get; private set; }

    /// <summary>Calls the version failed (server errors, and refusals from running the model): what a rollout's error-rate gate counts.</summary>
    public long ModelFailures { get; private set; }

    /// <summary>Rollout shadow copies run on this version (counted in <see cref="Requests"/> too).</summary>
    public long ShadowCalls { get; private set; }

    /// <summary>The share of compared shadow copies whose outputs agreed with the default's; null when none were compared.</summary>
    public double? ShadowAgreement => ShadowCompared == 0 ? null : (double)ShadowAgreed / ShadowCompared;

    /// <summary>Calls to the default whose shadow copy was dropped (the shadow queue was full).</summary>
    public long ShadowDropped { get; private set; }

    /// <summary>Shadow copies whose outputs were compared with the default's.</summary>
    public long ShadowCompared { get; private set; }

    /// <summary>Shadow copies whose outputs agreed with the default's.</summary>
    public long ShadowAgreed { get; private set; }

    /// <summary>Tokens generative calls read (prompts, embedding inputs).</summary>
    public long PromptTokens { get; private set; }

    /// <summary>Tokens generative calls generated.</summary>
    public long CompletionTokens { get; private set; }

    /// <summary>Total latency of every prediction.</summary>
    public LatencyHistogram Latency { get; private set; } = new();

    /// <summary>Time to first token of the generative calls that generated one.</summary>
    public LatencyHistogram TimeToFirstToken { get; private set; } = new();

    /// <summary>Mean time per output token (after the first) of each generative call that generated two or more.</summary>
    public LatencyHistogram TimePerOutputToken { get; private set; } = new();

    public Dictionary<string, CallerFigures> Callers { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> ExecutionProviders { get; } = new(StringComparer.Ordinal);

    public long CountOf(OutcomeClass outcome) => _outcomes[(int)outcome];

    /// <summary>Failures the service owns (server errors, throttling), the numerator of the error-rate SLO.</summary>
    public long ServiceErrors => Outcomes.Where(OutcomeClasses.CountsAgainstSlo).Sum(CountOf);

    public void Add(in PredictionRecord record)
    {
        Requests++;
        _outcomes[(int)record.Outcome]++;
        QueueMicroseconds += (long)record.QueueTime.TotalMicroseconds;
        InferenceMicroseconds += (long)record.InferenceTime.TotalMicroseconds;
        TotalMicroseconds += (long)record.TotalTime.TotalMicroseconds;
        BatchSizeSum += record.Outcome == OutcomeClass.Ok ? record.BatchSize : 0;
        BytesIn += record.BytesIn;
        BytesOut += record.BytesOut;
        if (record.ColdLoadTime is { } coldLoad)
        {
            ColdLoads++;
            ColdLoadMicroseconds += (long)coldLoad.TotalMicroseconds;
        }

        CaptureDropped += record.CaptureDropped ? 1 : 0;
        BatchCalls += record.FromBatch ? 1 : 0;
        ModelFailures += record.ModelFailed ? 1 : 0;
        ShadowCalls += record.Shadow ? 1 : 0;
        ShadowDropped += record.ShadowDropped ? 1 : 0;
        ShadowCompared += record.Agreed is null ? 0 : 1;
        ShadowAgreed += record.Agreed == true ? 1 : 0;
        PromptTokens += record.PromptTokens;
        CompletionTokens += record.CompletionTokens;
        if (record.TimeToFirstToken is { } firstToken)
        {
            TimeToFirstToken.Record(firstToken);
        }

        if (record.TimePerOutputToken is { } perToken)
        {
            TimePerOutputToken.Record(perToken);
        }

        Latency.Record(record.TotalTime);
        var figures = new CallerFigures(1, record.Outcome == OutcomeClass.Ok ? 0 : 1, record.PromptTokens, record.CompletionTokens);
        Callers[record.CallerAppId] = Callers.TryGetValue(record.CallerAppId, out var seen) ? seen.Plus(figures) : figures;
        if (!string.IsNullOrEmpty(record.ExecutionProvider))
        {
            ExecutionProviders.Add(record.ExecutionProvider);
        }
    }

    public void Merge(MetricsAggregate other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Requests += other.Requests;
        for (var i = 0; i < _outcomes.Length; i++)
        {
            _outcomes[i] += other._outcomes[i];
        }

        QueueMicroseconds += other.QueueMicroseconds;
        InferenceMicroseconds += other.InferenceMicroseconds;
        TotalMicroseconds += other.TotalMicroseconds;
        BatchSizeSum += other.BatchSizeSum;
        BytesIn += other.BytesIn;
        BytesOut += other.BytesOut;
        ColdLoads += other.ColdLoads;
        ColdLoadMicroseconds += other.ColdLoadMicroseconds;
        CaptureDropped += other.CaptureDropped;
        BatchCalls += other.BatchCalls;
        ModelFailures += other.ModelFailures;
        ShadowCalls += other.ShadowCalls;
        ShadowDropped += other.ShadowDropped;
        ShadowCompared += other.ShadowCompared;
        ShadowAgreed += other.ShadowAgreed;
        PromptTokens += other.PromptTokens;
        CompletionTokens += other.CompletionTokens;
        Latency.Add(other.Latency);
        TimeToFirstToken.Add(other.TimeToFirstToken);
        TimePerOutputToken.Add(other.TimePerOutputToken);
        foreach (var (caller, figures) in other.Callers)
        {
            Callers[caller] = Callers.TryGetValue(caller, out var seen) ? seen.Plus(figures) : figures;
        }

        ExecutionProviders.UnionWith(other.ExecutionProviders);
    }

    public void WriteTo(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        entity[nameof(Requests)] = Requests;
        foreach (var outcome in Outcomes)
        {
            entity[outcome.ToString()] = CountOf(outcome);
        }

        entity[nameof(QueueMicroseconds)] = QueueMicroseconds;
        entity[nameof(InferenceMicroseconds)] = InferenceMicroseconds;
        entity[nameof(TotalMicroseconds)] = TotalMicroseconds;
        entity[nameof(BatchSizeSum)] = BatchSizeSum;
        entity[nameof(BytesIn)] = BytesIn;
        entity[nameof(BytesOut)] = BytesOut;
        entity[nameof(ColdLoads)] = ColdLoads;
        entity[nameof(ColdLoadMicroseconds)] = ColdLoadMicroseconds;
        entity[nameof(CaptureDropped)] = CaptureDropped;
        entity[nameof(BatchCalls)] = BatchCalls;
        entity[nameof(ModelFailures)] = ModelFailures;
        entity[nameof(ShadowCalls)] = ShadowCalls;
        entity[nameof(ShadowDropped)] = ShadowDropped;
        entity[nameof(ShadowCompared)] = ShadowCompared;
        entity[nameof(ShadowAgreed)] = ShadowAgreed;
        entity[nameof(Latency)] = Latency.ToBytes();
        entity[nameof(PromptTokens)] = PromptTokens;
        entity[nameof(CompletionTokens)] = CompletionTokens;
        if (TimeToFirstToken.Count > 0)
        {
            entity[nameof(TimeToFirstToken)] = TimeToFirstToken.ToBytes();
        }

        if (TimePerOutputToken.Count > 0)
        {
            entity[nameof(TimePerOutputToken)] = TimePerOutputToken.ToBytes();
        }
        entity[nameof(Callers)] = JsonSerializer.Serialize(Callers);
        entity[nameof(ExecutionProviders)] = string.Join(',', ExecutionProviders);
    }

    public static MetricsAggregate ReadFrom(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var aggregate = new MetricsAggregate
        {
            Requests = Long(entity, nameof(Requests)),
            QueueMicroseconds = Long(entity, nameof(QueueMicroseconds)),
            InferenceMicroseconds = Long(entity, nameof(InferenceMicroseconds)),
            TotalMicroseconds = Long(entity, nameof(TotalMicroseconds)),
            BatchSizeSum = Long(entity, nameof(BatchSizeSum)),
            BytesIn = Long(entity, nameof(BytesIn)),
            BytesOut = Long(entity, nameof(BytesOut)),
            ColdLoads = Long(entity, nameof(ColdLoads)),
            ColdLoadMicroseconds = Long(entity, nameof(ColdLoadMicroseconds)),
            CaptureDropped = Long(entity, nameof(CaptureDropped)),
            BatchCalls = Long(entity, nameof(BatchCalls)),
            ModelFailures = Long(entity, nameof(ModelFailures)),
            ShadowCalls = Long(entity, nameof(ShadowCalls)),
            ShadowDropped = Long(entity, nameof(ShadowDropped)),
            ShadowCompared = Long(entity, nameof(ShadowCompared)),
            ShadowAgreed = Long(entity, nameof(ShadowAgreed)),
            Latency = entity.GetBinary(nameof(Latency)) is { } bytes ? LatencyHistogram.FromBytes(bytes) : new LatencyHistogram(),
            PromptTokens = Long(entity, nameof(PromptTokens)),
            CompletionTokens = Long(entity, nameof(CompletionTokens)),
            TimeToFirstToken = entity.GetBinary(nameof(TimeToFirstToken)) is { } first ? LatencyHistogram.FromBytes(first) : new LatencyHistogram(),
            TimePerOutputToken = entity.GetBinary(nameof(TimePerOutputToken)) is { } perToken ? LatencyHistogram.FromBytes(perToken) : new LatencyHistogram(),
        };
        foreach (var outcome in Outcomes)
        {
            aggregate._outcomes[(int)outcome] = Long(entity, outcome.ToString());
        }

        if (entity.GetString(nameof(Callers)) is { Length: > 0 } callers)
        {
            foreach (var (caller, figures) in JsonSerializer.Deserialize<Dictionary<string, CallerFigures>>(callers) ?? [])
            {
                aggregate.Callers[caller] = figures;
            }
        }

        if (entity.GetString(nameof(ExecutionProviders)) is { Length: > 0 } providers)
        {
            aggregate.ExecutionProviders.UnionWith(providers.Split(','));
        }

        return aggregate;
    }

    private static long Long(TableEntity entity, string key) => entity.GetInt64(key) ?? 0;
}
