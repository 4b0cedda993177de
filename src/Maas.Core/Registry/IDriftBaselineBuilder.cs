namespace Maas.Core.Registry;

/// <summary>
/// Builds the baseline drift is measured against from a version's evaluation set: its inputs, and the outputs the
/// model gives for them. Implemented by drift (<c>Drift/EvaluationSetBaseline</c>).
/// </summary>
public interface IDriftBaselineBuilder
{
    /// <summary>
    /// The baseline of every numeric input and output over the rows of <paramref name="evaluationSetPath"/>, within the
    /// evaluation limits; a file that cannot be used becomes <see cref="DriftBaselineSummary.Problem"/>. Only
    /// <paramref name="cancellationToken"/> throws.
    /// </summary>
    DriftBaselineRun Build(ModelVersionRecord version, string graphPath, string evaluationSetPath, ModelInspection inspection, CancellationToken cancellationToken);
}

/// <summary>One tensor of a drift baseline: its side (<c>input</c> or <c>output</c>), how it is grouped, and how many groups.</summary>
public sealed record DriftBaselineTensor(string Name, string Side, string Granularity, int Features);

/// <summary>What a version's drift baseline holds, kept on its registry row; the baseline itself is a blob beside the evaluation report.</summary>
public sealed record DriftBaselineSummary
{
    /// <summary>Hex SHA-256 of the evaluation.jsonl it was built from; empty for a baseline of live traffic.</summary>
    public required string EvaluationSetSha256 { get; init; }

    public long Rows { get; init; }

    public IReadOnlyList<DriftBaselineTensor> Tensors { get; init; } = [];

    /// <summary>Blob name in the evaluations container; empty when none was stored.</summary>
    public string BlobPath { get; init; } = string.Empty;

    /// <summary>Why no baseline could be built; null when it was.</summary>
    public string? Problem { get; init; }
}

/// <summary>A baseline's summary and the baseline as JSON (null when it could not be built).</summary>
public sealed record DriftBaselineRun(DriftBaselineSummary Summary, byte[]? Baseline);
