using Maas.Core.Models;

namespace Maas.Core.Drift;

/// <summary>
/// How a tensor's elements are grouped into the features drift summarises: one group (the tensor), one per index of
/// the last dimension of an [N, F] tensor (features), or one per index of the second dimension of an [N, C, ...] tensor
/// (channels). Element i (row-major) belongs to <see cref="FeatureOf"/>(i).
/// </summary>
/// <param name="Inner">Elements per channel and row (the product of the dimensions after the channel); 1 for features.</param>
public sealed record DriftLayout(DriftGranularity Kind, int Features, long Inner)
{
    /// <summary>Most features summarised one by one under <see cref="DriftGranularity.Auto"/>.</summary>
    public const int MaxAutoFeatures = 256;

    /// <summary>Most channels summarised one by one under <see cref="DriftGranularity.Auto"/>.</summary>
    public const int MaxAutoChannels = 64;

    public static readonly DriftLayout WholeTensor = new(DriftGranularity.Tensor, 1, 1);

    /// <summary>
    /// The layout of a tensor of <paramref name="shape"/> (its first dimension the batch) under
    /// <paramref name="granularity"/>; a granularity the shape cannot have (features of a 3-D tensor, channels of a 1-D
    /// one, a dimension that varies) falls back to the whole tensor.
    /// </summary>
    public static DriftLayout For(ReadOnlySpan<long> shape, DriftGranularity granularity)
    {
        var features = shape.Length == 2 && shape[1] > 0 ? shape[1] : -1;
        var channels = shape.Length >= 3 && shape[1] > 0 ? shape[1] : -1;
        long inner = 1;
        for (var i = 2; i < shape.Length; i++)
        {
            inner = shape[i] > 0 ? inner * shape[i] : -1;
        }

        return granularity switch
        {
            DriftGranularity.Feature when features > 0 => new DriftLayout(DriftGranularity.Feature, (int)features, 1),
            DriftGranularity.Channel when channels > 0 && inner > 0 => new DriftLayout(DriftGranularity.Channel, (int)channels, inner),
            DriftGranularity.Auto when features is > 0 and <= MaxAutoFeatures => new DriftLayout(DriftGranularity.Feature, (int)features, 1),
            DriftGranularity.Auto when channels is > 0 and <= MaxAutoChannels && inner > 0 => new DriftLayout(DriftGranularity.Channel, (int)channels, inner),
            _ => WholeTensor,
        };
    }

    /// <summary>The feature (or channel) element <paramref name="index"/> of the row-major tensor belongs to.</summary>
    public int FeatureOf(long index) => Kind switch
    {
        DriftGranularity.Feature => (int)(index % Features),
        DriftGranularity.Channel => (int)(index / Inner % Features),
        _ => 0,
    };
}
