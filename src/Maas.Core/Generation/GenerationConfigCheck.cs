using System.Globalization;
using Maas.Core.Models;
using Maas.Core.Registry;

namespace Maas.Core.Generation;

/// <summary>
/// A model with config.json <c>generation</c> must come with a tokenizer that loads; a text generator's graph must
/// have the decoder layout (cache inputs and outputs paired by layer) with logits as wide as the vocabulary; an
/// embedder's graph must take <c>input_ids</c> and <c>attention_mask</c>.
/// </summary>
public sealed class GenerationConfigCheck : IModelConfigCheck
{
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
            return tokenizer.VocabularySize == graph.VocabularySize
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"The tokenizer's vocabulary has {tokenizer.VocabularySize} tokens but the graph's logits have {graph.VocabularySize}; the tokenizer files do not belong to this model.");
        }
        catch (FormatException error)
        {
            return error.Message;
        }
    }
}
