using Maas.Core.Models;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Generation;

/// <summary>
/// An encoder served as embeddings: inputs <c>input_ids</c>, <c>attention_mask</c> and optional
/// <c>token_type_ids</c> (int64 [batch, sequence]); output <c>last_hidden_state</c> [batch, sequence, width] to pool, or
/// an already pooled float [batch, width] output.
/// </summary>
public sealed record EmbeddingGraph(string InputIds, string AttentionMask, string? TokenTypeIds, string Output, bool IsPooled)
{
    public const string HiddenStateOutput = "last_hidden_state";

    /// <summary>Reads the encoder's layout from its signature; throws <see cref="FormatException"/> naming what does not fit.</summary>
    public static EmbeddingGraph From(IReadOnlyList<TensorSignature> inputs, IReadOnlyList<TensorSignature> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var name in new[] { "input_ids", "attention_mask" })
        {
            if (!inputs.Any(i => i.Name == name && i.IsTensor && i.ElementType == TensorElementType.Int64))
            {
                throw new FormatException($"An embeddings graph needs input '{name}' of int64 [batch, sequence]; the graph has {string.Join(", ", inputs.Select(i => $"{i.Name} {i.Describe()}"))}.");
            }
        }

        var extra = inputs.Where(i => i.Name is not ("input_ids" or "attention_mask" or "token_type_ids")).Select(i => i.Name).ToList();
        if (extra.Count > 0)
        {
            throw new FormatException($"An embeddings graph takes only input_ids, attention_mask and token_type_ids; the graph also needs {string.Join(", ", extra)}.");
        }

        var typeIds = inputs.Any(i => i.Name == "token_type_ids") ? "token_type_ids" : null;
        if (outputs.FirstOrDefault(o => o.Name == HiddenStateOutput && o.IsTensor && o.ElementType == TensorElementType.Float && o.Shape.Count == 3) is { } hidden)
        {
            return new EmbeddingGraph("input_ids", "attention_mask", typeIds, hidden.Name, IsPooled: false);
        }

        return outputs.FirstOrDefault(o => o.IsTensor && o.ElementType == TensorElementType.Float && o.Shape.Count == 2) is { } pooled
            ? new EmbeddingGraph("input_ids", "attention_mask", typeIds, pooled.Name, IsPooled: true)
            : throw new FormatException($"An embeddings graph needs output '{HiddenStateOutput}' (float [batch, sequence, width]) or a pooled float [batch, width] output; the graph has {string.Join(", ", outputs.Select(o => $"{o.Name} {o.Describe()}"))}.");
    }
}
