using System.Buffers;
using System.Numerics.Tensors;

namespace Maas.Core.Generation;

/// <summary>How the next token is chosen: greedy (temperature 0) or sampled with temperature, top-k and top-p.</summary>
/// <param name="Seed">The same seed with the same prompt and parameters gives the same text; null draws one.</param>
public sealed record SamplingParameters(double Temperature, double TopP, int TopK, long? Seed)
{
    public static SamplingParameters Greedy { get; } = new(0, 1, 0, null);

    public bool IsGreedy => Temperature == 0 || TopK == 1;
}

/// <summary>Chooses each next token of one sequence from the last position's logits.</summary>
public sealed class TokenSampler(SamplingParameters parameters)
{
    private readonly Random _random = parameters.Seed is { } seed ? new Random(unchecked((int)seed ^ (int)(seed >> 32))) : new Random();

    public int Next(ReadOnlySpan<float> logits)
    {
        if (parameters.IsGreedy)
        {
            return ArgMax(logits);
        }

        var count = parameters.TopK > 0 ? Math.Min(parameters.TopK, logits.Length) : logits.Length;
        var ids = ArrayPool<int>.Shared.Rent(logits.Length);
        var weights = ArrayPool<double>.Shared.Rent(logits.Length);
        var scores = ArrayPool<float>.Shared.Rent(logits.Length);
        try
        {
            logits.CopyTo(scores);
            for (var i = 0; i < logits.Length; i++)
            {
                ids[i] = i;
            }

            // Highest logits first; ties by lower id, so the order never depends on the sort's stability.
            var order = ids.AsSpan(0, logits.Length);
            order.Sort((a, b) => scores[b].CompareTo(scores[a]) is var c && c != 0 ? c : a.CompareTo(b));
            var max = logits[order[0]];
            var total = 0.0;
            for (var i = 0; i < count; i++)
            {
                weights[i] = Math.Exp((logits[order[i]] - max) / parameters.Temperature);
                total += weights[i];
            }

            // Top-p keeps the smallest prefix whose probability reaches top_p (always at least one token).
            var kept = 0;
            var mass = 0.0;
            while (kept < count && (kept == 0 || mass < parameters.TopP * total))
            {
                mass += weights[kept++];
            }

            var draw = _random.NextDouble() * mass;
            for (var i = 0; i < kept; i++)
            {
                draw -= weights[i];
                if (draw < 0)
                {
                    return order[i];
                }
            }

            return order[kept - 1];
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ids);
            ArrayPool<double>.Shared.Return(weights);
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    /// <summary>The index of the highest value; the lowest such index on ties (vectorised: a vocabulary per row per step).</summary>
    public static int ArgMax(ReadOnlySpan<float> values) => TensorPrimitives.IndexOfMax(values);
}
