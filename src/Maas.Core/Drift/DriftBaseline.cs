using System.Text.Json;
using System.Text.Json.Serialization;
using Maas.Core.Models;

namespace Maas.Core.Drift;

/// <summary>What one feature (or channel, or the whole tensor) looked like in the baseline: its bins and its summary.</summary>
/// <param name="Edges">Interior bin edges (<see cref="DriftBins"/>); live values are counted in the same bins.</param>
/// <param name="Histogram">The baseline's counts per bin (over the values kept for quantiles when there were more).</param>
public sealed record FeatureBaseline(double[] Edges, long[] Histogram, long Count, long NonFinite, double Mean, double Variance, double Min, double Max);

/// <summary>The baseline of one input or output tensor: how its elements are grouped, and each group's baseline.</summary>
/// <param name="Side"><c>input</c> or <c>output</c>.</param>
public sealed record TensorBaseline(string Name, string Side, DriftGranularity Granularity, IReadOnlyList<FeatureBaseline> Features)
{
    /// <summary>What the version's registry row says of this tensor.</summary>
    public DriftBaselineTensor Describe() => new(Name, Side, JsonNamingPolicy.CamelCase.ConvertName(Granularity.ToString()), Features.Count);
}

/// <summary>
/// What drift is measured against: every numeric input and output of a version over its baseline data (the evaluation
/// set's rows, run through the model for the outputs). Stored as JSON beside the version's evaluation report.
/// </summary>
public sealed record DriftBaseline(long Rows, IReadOnlyList<TensorBaseline> Tensors)
{
    /// <summary>The stored baseline's JSON: camelCase, enums by name.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };
}

/// <summary>What a summarised tensor is to the model: an input, an output, or the classes a classification output predicts.</summary>
public static class DriftSide
{
    public const string Input = "input";
    public const string Output = "output";
    public const string Prediction = "prediction";
}
