namespace Maas.Core.Models;

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
