using System.ComponentModel.DataAnnotations;

namespace Maas.Core.Batch;

/// <summary>Settings of batch jobs (configuration section <c>Batch</c>): where their files live, their limits and how hard they run.</summary>
public sealed class BatchOptions
{
    public const string SectionName = "Batch";

    private const string ContainerPattern = "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$";

    /// <summary>Blob container of the Batch API's files (inputs, outputs, error files) and of the chunks' results.</summary>
    [Required]
    [RegularExpression(ContainerPattern, ErrorMessage = "Batch:FilesContainer must be a blob container name: 3-63 lowercase letters, digits and single hyphens.")]
    public string FilesContainer { get; set; } = "batch-files";

    /// <summary>Blob container watched for dropped batch input files (<c>&lt;model&gt;/&lt;anything&gt;.jsonl</c>); their outputs land beside them.</summary>
    [Required]
    [RegularExpression(ContainerPattern, ErrorMessage = "Batch:DropContainer must be a blob container name: 3-63 lowercase letters, digits and single hyphens.")]
    public string DropContainer { get; set; } = "batches";

    /// <summary>Table of the batches' records (status, counts, files).</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Batch:TableName must be a table name: 3-63 letters and digits, starting with a letter.")]
    public string TableName { get; set; } = "Batches";

    /// <summary>Largest file <c>POST /v1/files</c> takes (OpenAI's batch files: 200 MB). The Functions host refuses bodies over 100 MB itself.</summary>
    [Range(1, 200L * 1000 * 1000, ErrorMessage = "Batch:MaxFileBytes must be between 1 and 200000000.")]
    public long MaxFileBytes { get; set; } = 100L * 1000 * 1000;

    /// <summary>Most request lines one batch holds.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Batch:MaxLines must be between 1 and 1000000.")]
    public int MaxLines { get; set; } = 100_000;

    /// <summary>Most lines one activity runs (one chunk).</summary>
    [Range(1, 100_000, ErrorMessage = "Batch:ChunkLines must be between 1 and 100000.")]
    public int ChunkLines { get; set; } = 10_000;

    /// <summary>Most input bytes one chunk reads (a longer single line is a chunk of its own).</summary>
    [Range(1024, 256L * 1024 * 1024, ErrorMessage = "Batch:ChunkBytes must be between 1024 and 268435456.")]
    public long ChunkBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Chunks of one batch running at once, across all instances (the orchestration's fan-out).</summary>
    [Range(1, 1_000, ErrorMessage = "Batch:MaxParallelChunks must be between 1 and 1000.")]
    public int MaxParallelChunks { get; set; } = 16;

    /// <summary>Chunks one instance runs at once, whatever batch they belong to, so batch work leaves room for live calls.</summary>
    [Range(1, 64, ErrorMessage = "Batch:MaxActivitiesPerInstance must be between 1 and 64.")]
    public int MaxActivitiesPerInstance { get; set; } = 1;

    /// <summary>Generation lines (chat, completions) one chunk keeps in flight at once, so the model's continuous batching has company.</summary>
    [Range(1, 256, ErrorMessage = "Batch:GenerationLinesInFlight must be between 1 and 256.")]
    public int GenerationLinesInFlight { get; set; } = 8;

    /// <summary>How long a chunk waits, before each run of lines, for this instance's live calls in flight to finish (they go first); zero never waits.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01", ErrorMessage = "Batch:YieldToLiveCalls must be between 00:00:00 and 00:00:01.")]
    public TimeSpan YieldToLiveCalls { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>What <c>completion_window</c> <c>24h</c> gives a batch: it expires, with its partial output, when not done by then.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "Batch:CompletionWindow must be between 00:00:00 and 7.00:00:00.")]
    public TimeSpan CompletionWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Days the files of the Batch API (and dropped batches) are kept; Bicep's lifecycle rule deletes them after.</summary>
    [Range(1, 3650, ErrorMessage = "Batch:RetentionDays must be between 1 and 3650.")]
    public int RetentionDays { get; set; } = 30;
}
