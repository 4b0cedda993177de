using System.Globalization;
using Maas.Core.Models;
using Maas.Core.Registry;

namespace Maas.Core.Generation;

/// <summary>
/// A model with config.json <c>generation</c> must come with a tokenizer that loads; a text generator's graph must
/// have the decoder layout (cache inputs and outputs paired by layer) with logits as wide as the vocabulary (or padded
/// a little past it, as models that round their embedding table up have); an
/// embedder's graph must take <c>input_ids</c> and <c>attention_mask</c>.
/// </summary>
public sealed class GenerationConfigCheck : IModelConfigCheck
{
    /// <summary>How far the logits may run past the tokenizer's vocabulary: models that round their embedding table up pad by less.</summary>
    public const int MaxEmbeddingPadding = 1024;

    public string? ProblemWith(ModelConfig config, ModelInspection inspection, string folderPath)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(inspection);
        if (config.Generation is not { } generation)
        {
            return null;
        }

        try
        {
            var tokenizer = TextTokenizer.Load(folderPath);
            if (generation.Task == GenerationTask.Embeddings)
            {
                _ = EmbeddingGraph.From(inspection.Inputs, inspection.Outputs);
                return null;
            }

            var graph = DecoderGraph.From(inspection.Inputs, inspection.Outputs, folderPath);

            // Equal, or the logits padded a little past the vocabulary (Phi-3 and Qwen round their embeddings up).
            var padding = graph.VocabularySize - tokenizer.VocabularySize;
            return padding is >= 0 and <= MaxEmbeddingPadding
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"The tokenizer's vocabulary has {tokenizer.VocabularySize} tokens but the graph's logits have {graph.VocabularySize}; the tokenizer files do not belong to this model (expected the same size, or logits padded by at most {MaxEmbeddingPadding}).");
        }
        catch (FormatException error)
        {
            return error.Message;
        }
    }
}
