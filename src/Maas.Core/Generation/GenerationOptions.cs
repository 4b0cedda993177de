using System.ComponentModel.DataAnnotations;

namespace Maas.Core.Generation;

/// <summary>Settings of text generation (configuration section <c>Generation</c>); what each model generates, and how, is per model in config.json <c>generation</c>.</summary>
public sealed class GenerationOptions
{
    public const string SectionName = "Generation";

    /// <summary>Generations waiting, per model version and instance, for a place among the model's <c>maxConcurrentSequences</c>; beyond it a request gets 429.</summary>
    [Range(0, 100_000, ErrorMessage = "Generation:MaxQueuedSequences must be between 0 and 100000.")]
    public int MaxQueuedSequences { get; set; } = 64;

    /// <summary>Inputs one embeddings request may hold.</summary>
    [Range(1, 100_000, ErrorMessage = "Generation:MaxEmbeddingInputs must be between 1 and 100000.")]
    public int MaxEmbeddingInputs { get; set; } = 2_048;
}
