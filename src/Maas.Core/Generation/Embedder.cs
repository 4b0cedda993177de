using System.Globalization;
using Maas.Core.Errors;
using Maas.Core.Inference;
using Maas.Core.Models;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Generation;

/// <summary>One input to embed: text, or token ids already.</summary>
public sealed record EmbeddingInput(string? Text, IReadOnlyList<int>? TokenIds);

/// <summary>One vector per input, in order, and the tokens they took.</summary>
public sealed record EmbeddingResult(IReadOnlyList<float[]> Vectors, int PromptTokens);

/// <summary>
/// The data plane of embeddings: tokenizes the inputs with the model's tokenizer, runs them through the encoder in
/// padded batches on a leased cached session, pools each row's hidden states as config.json says (mean over the
/// kept tokens, the first token, or the last), optionally shortens to <c>dimensions</c>, and scales to unit length.
/// </summary>
public sealed class Embedder(TextGenerator generator, IOptions<GenerationOptions> options)
{
    /// <summary>Rows one encoder run takes; longer requests run in several.</summary>
    private const int RowsPerRun = 32;

    public async Task<EmbeddingResult> EmbedAsync(ModelVersionRecord model, IReadOnlyList<EmbeddingInput> inputs, int? dimensions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var config = TextGenerator.RequireTask(model, GenerationTask.Embeddings);
        if (inputs.Count == 0 || inputs.Count > options.Value.MaxEmbeddingInputs)
        {
            throw new MaasException(ErrorKind.InvalidInput, string.Create(CultureInfo.InvariantCulture, $"'input' must hold 1 to {options.Value.MaxEmbeddingInputs} items (Generation:MaxEmbeddingInputs); it holds {inputs.Count}.")) { Field = "input" };
        }

        var graph = EmbeddingGraph.From(model.Inputs, model.Outputs);
        var (generative, lease) = await generator.AcquireAsync(model, cancellationToken);
        using (lease)
        {
            var limit = generative.ContextLimit;
            var tokenized = new List<IReadOnlyList<int>>(inputs.Count);
            foreach (var input in inputs)
            {
                var ids = input.TokenIds ?? generative.Tokenizer.Encode(input.Text ?? string.Empty);
                if (ids.Count > limit)
                {
                    throw new MaasException(ErrorKind.InvalidInput, string.Create(CultureInfo.InvariantCulture, $"This model's maximum context length is {limit} tokens, however you requested {ids.Count} tokens in input {tokenized.Count}. Please reduce the length of the input."))
                    { Field = "input", Code = "context_length_exceeded" };
                }

                if (ids.Count == 0)
                {
                    throw new MaasException(ErrorKind.InvalidInput, string.Create(CultureInfo.InvariantCulture, $"Input {tokenized.Count} is empty; give at least one token.")) { Field = "input" };
                }

                tokenized.Add(ids);
            }

            var vectors = new List<float[]>(inputs.Count);
            for (var start = 0; start < tokenized.Count; start += RowsPerRun)
            {
                vectors.AddRange(Run(lease.Loaded, graph, config, tokenized.GetRange(start, Math.Min(RowsPerRun, tokenized.Count - start)), cancellationToken));
            }

            if (dimensions is { } wanted)
            {
                var width = vectors[0].Length;
                if (wanted < 1 || wanted > width)
                {
                    throw new MaasException(ErrorKind.InvalidInput, string.Create(CultureInfo.InvariantCulture, $"'dimensions' must be from 1 to {width}, the model's embedding width; it is {wanted}.")) { Field = "dimensions" };
                }

                for (var i = 0; i < vectors.Count; i++)
                {
                    vectors[i] = vectors[i][..wanted];
                    if (config.Normalize)
                    {
                        Normalize(vectors[i]);
                    }
                }
            }

            return new EmbeddingResult(vectors, tokenized.Sum(ids => ids.Count));
        }
    }

    private static float[][] Run(LoadedModel loaded, EmbeddingGraph graph, GenerationConfig config, List<IReadOnlyList<int>> rows, CancellationToken cancellationToken)
    {
        var length = rows.Max(ids => ids.Count);
        var ids = new long[rows.Count * length];
        var mask = new long[rows.Count * length];
        for (var row = 0; row < rows.Count; row++)
        {
            for (var t = 0; t < rows[row].Count; t++)
            {
                ids[(row * length) + t] = rows[row][t];
                mask[(row * length) + t] = 1;
            }
        }

        long[] shape = [rows.Count, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);
        var names = new List<string> { graph.InputIds, graph.AttentionMask };
        var values = new List<OrtValue> { idsValue, maskValue };
        if (graph.TokenTypeIds is { } types)
        {
            names.Add(types);
            values.Add(typesValue);
        }

        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = ModelRunner.RunSession(loaded.Session, names, values, [graph.Output], cancellationToken);
        }
        catch (OnnxRuntimeException error) when (ModelRunner.IsRejectedInput(error))
        {
            // An input longer than the encoder's positions, say, when config.json sets no maxContextTokens.
            throw new MaasException(ErrorKind.InvalidInput, $"Model '{loaded.Model.Name}' refused the input ({length} tokens in the longest): {ModelRunner.Shorten(loaded.Redacted(error.Message))} Set generation.maxContextTokens to the encoder's limit to have such inputs named before they run.") { Field = "input" };
        }

        using var owned = outputs;
        var output = outputs[0];
        var data = output.GetTensorDataAsSpan<float>();
        var dims = output.GetTensorTypeAndShape().Shape;
        var width = (int)dims[^1];
        var vectors = new float[rows.Count][];
        for (var row = 0; row < rows.Count; row++)
        {
            var vector = new float[width];
            if (graph.IsPooled)
            {
                data.Slice(row * width, width).CopyTo(vector);
            }
            else
            {
                Pool(data.Slice(row * length * width, length * width), rows[row].Count, width, config.Pooling, vector);
            }

            if (config.Normalize)
            {
                Normalize(vector);
            }

            vectors[row] = vector;
        }

        return vectors;
    }

    /// <summary>Pools a row's hidden states [length, width] over its first <paramref name="kept"/> (unpadded) tokens.</summary>
    public static void Pool(ReadOnlySpan<float> states, int kept, int width, EmbeddingPooling pooling, Span<float> vector)
    {
        switch (pooling)
        {
            case EmbeddingPooling.Cls:
                states[..width].CopyTo(vector);
                break;
            case EmbeddingPooling.Last:
                states.Slice((kept - 1) * width, width).CopyTo(vector);
                break;
            default:
                vector.Clear();
                for (var t = 0; t < kept; t++)
                {
                    var token = states.Slice(t * width, width);
                    for (var i = 0; i < width; i++)
                    {
                        vector[i] += token[i];
                    }
                }

                for (var i = 0; i < width; i++)
                {
                    vector[i] /= kept;
                }

                break;
        }
    }

    /// <summary>Scales <paramref name="vector"/> to unit length (a zero vector stays zero).</summary>
    public static void Normalize(Span<float> vector)
    {
        var sum = 0.0;
        foreach (var value in vector)
        {
            sum += (double)value * value;
        }

        if (sum > 0)
        {
            var scale = (float)(1 / Math.Sqrt(sum));
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] *= scale;
            }
        }
    }
}
