using System.Globalization;
using System.Text.Json;
using Maas.Core.Models;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Generation;

/// <summary>
/// The names and sizes of a decoder-only causal LM with a key/value cache, in the layout Optimum and transformers.js
/// exports use: inputs <c>input_ids</c>, <c>attention_mask</c>, optional <c>position_ids</c> and
/// <c>past_key_values.{i}.key|value</c> [batch, heads, past, head size]; outputs <c>logits</c> [batch, seq, vocabulary]
/// and <c>present.{i}.key|value</c>. ONNX Runtime GenAI's <c>genai_config.json</c> may rename any of them.
/// </summary>
public sealed record DecoderGraph(
    string InputIds,
    string AttentionMask,
    string? PositionIds,
    IReadOnlyList<string> PastKeys,
    IReadOnlyList<string> PastValues,
    string Logits,
    IReadOnlyList<string> PresentKeys,
    IReadOnlyList<string> PresentValues,
    int Heads,
    int HeadSize,
    int VocabularySize,
    int? ContextLength)
{
    public int Layers => PastKeys.Count;

    /// <summary>Reads the decoder layout from the graph's signature (and genai_config.json's names when present); throws <see cref="FormatException"/> naming what does not fit.</summary>
    public static DecoderGraph From(IReadOnlyList<TensorSignature> inputs, IReadOnlyList<TensorSignature> outputs, string folderPath)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var names = Names.Read(folderPath);
        var inputByName = inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var outputByName = outputs.ToDictionary(o => o.Name, StringComparer.Ordinal);
        Require(inputByName, names.InputIds, "input", TensorElementType.Int64);
        Require(inputByName, names.AttentionMask, "input", TensorElementType.Int64);
        var positions = inputByName.ContainsKey(names.PositionIds) ? names.PositionIds : null;
        var logits = Require(outputByName, names.Logits, "output", TensorElementType.Float);

        var pastKeys = new List<string>();
        var pastValues = new List<string>();
        var presentKeys = new List<string>();
        var presentValues = new List<string>();
        for (var layer = 0; inputByName.ContainsKey(Layer(names.PastKey, layer)); layer++)
        {
            pastKeys.Add(Layer(names.PastKey, layer));
            pastValues.Add(Layer(names.PastValue, layer));
            presentKeys.Add(Layer(names.PresentKey, layer));
            presentValues.Add(Layer(names.PresentValue, layer));
            Require(inputByName, pastValues[^1], "input", TensorElementType.Float);
            Require(outputByName, presentKeys[^1], "output", TensorElementType.Float);
            Require(outputByName, presentValues[^1], "output", TensorElementType.Float);
        }

        if (pastKeys.Count == 0)
        {
            throw new FormatException($"The graph has no key/value cache inputs: expected {Layer(names.PastKey, 0)} and {Layer(names.PastValue, 0)} (and so on per layer), paired with outputs {Layer(names.PresentKey, 0)} and {Layer(names.PresentValue, 0)}.");
        }

        var cacheInputs = inputByName.Keys.Count(name => name.StartsWith(names.PastKey.Split("%d")[0], StringComparison.Ordinal));
        if (cacheInputs != 2 * pastKeys.Count && names.PastKey.Split("%d")[0] == names.PastValue.Split("%d")[0])
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"The graph's cache inputs do not pair up by layer: {cacheInputs} inputs start with '{names.PastKey.Split("%d")[0]}', expected a key and a value for each of {pastKeys.Count} layers."));
        }

        var pastShape = inputByName[pastKeys[0]].Shape;
        var heads = pastShape.Count == 4 && pastShape[1] > 0 ? (int)pastShape[1] : names.Heads ?? throw new FormatException($"Input {pastKeys[0]} must be [batch, heads, past, head size] with fixed heads, or genai_config.json must give num_key_value_heads.");
        var headSize = pastShape.Count == 4 && pastShape[3] > 0 ? (int)pastShape[3] : names.HeadSize ?? throw new FormatException($"Input {pastKeys[0]} must be [batch, heads, past, head size] with a fixed head size, or genai_config.json must give head_size.");
        var vocabulary = logits.Shape is [_, _, > 0 and var v] ? (int)v : names.VocabularySize ?? throw new FormatException($"Output {names.Logits} must be [batch, sequence, vocabulary] with a fixed vocabulary size, or genai_config.json must give vocab_size.");
        return new DecoderGraph(names.InputIds, names.AttentionMask, positions, pastKeys, pastValues, names.Logits, presentKeys, presentValues, heads, headSize, vocabulary, names.ContextLength);
    }

    private static string Layer(string pattern, int layer) => pattern.Replace("%d", layer.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static TensorSignature Require(Dictionary<string, TensorSignature> tensors, string name, string side, TensorElementType type)
        => tensors.TryGetValue(name, out var tensor) && tensor.IsTensor && tensor.ElementType == type
            ? tensor
            : throw new FormatException($"A text-generation graph needs {side} '{name}' of {ElementTypeNames.NameOf(type)}; the graph {(tensors.TryGetValue(name, out var found) ? $"has it as {found.Describe()}" : $"has {string.Join(", ", tensors.Keys)}")}.");

    /// <summary>The names the graph uses: Optimum's by default, genai_config.json's <c>model.decoder.inputs|outputs</c> when given.</summary>
    private sealed record Names(string InputIds, string AttentionMask, string PositionIds, string PastKey, string PastValue, string Logits, string PresentKey, string PresentValue, int? Heads, int? HeadSize, int? VocabularySize, int? ContextLength)
    {
        public static Names Read(string folder)
        {
            var defaults = new Names("input_ids", "attention_mask", "position_ids", "past_key_values.%d.key", "past_key_values.%d.value", "logits", "present.%d.key", "present.%d.value", null, null, null, null);
            var path = Path.Combine(folder, TextTokenizer.GenAiConfigJson);
            if (!File.Exists(path))
            {
                return defaults;
            }

            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(path));
                var model = document.RootElement.GetProperty("model");
                var decoder = model.GetProperty("decoder");
                var inputs = decoder.TryGetProperty("inputs", out var i) ? i : default;
                var outputs = decoder.TryGetProperty("outputs", out var o) ? o : default;
                return new Names(
                    Text(inputs, "input_ids") ?? defaults.InputIds,
                    Text(inputs, "attention_mask") ?? defaults.AttentionMask,
                    Text(inputs, "position_ids") ?? defaults.PositionIds,
                    Text(inputs, "past_key_names") ?? defaults.PastKey,
                    Text(inputs, "past_value_names") ?? defaults.PastValue,
                    Text(outputs, "logits") ?? defaults.Logits,
                    Text(outputs, "present_key_names") ?? defaults.PresentKey,
                    Text(outputs, "present_value_names") ?? defaults.PresentValue,
                    Int(decoder, "num_key_value_heads") ?? Int(decoder, "num_attention_heads"),
                    Int(decoder, "head_size"),
                    Int(model, "vocab_size"),
                    Int(model, "context_length"));
            }
            catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new FormatException($"{TextTokenizer.GenAiConfigJson} must hold model.decoder with its inputs and outputs: {error.Message}", error);
            }
        }

        private static string? Text(JsonElement parent, string name)
            => parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static int? Int(JsonElement parent, string name)
            => parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
    }
}
