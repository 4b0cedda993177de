using Maas.Core.Drift;
using Maas.Core.Models;

namespace Maas.Core.Tests.Drift;

public sealed class DriftLayoutTests
{
    [Theory]
    [InlineData(new long[] { -1, 30 }, DriftGranularity.Auto, DriftGranularity.Feature, 30)]
    [InlineData(new long[] { -1, 1000 }, DriftGranularity.Auto, DriftGranularity.Tensor, 1)]
    [InlineData(new long[] { -1, 3, 48, 192 }, DriftGranularity.Auto, DriftGranularity.Channel, 3)]
    [InlineData(new long[] { -1, 3, -1, -1 }, DriftGranularity.Auto, DriftGranularity.Tensor, 1)]
    [InlineData(new long[] { -1, 128, 4 }, DriftGranularity.Auto, DriftGranularity.Tensor, 1)]
    [InlineData(new long[] { -1, 128, 4 }, DriftGranularity.Channel, DriftGranularity.Channel, 128)]
    [InlineData(new long[] { -1, 30 }, DriftGranularity.Tensor, DriftGranularity.Tensor, 1)]
    [InlineData(new long[] { -1 }, DriftGranularity.Feature, DriftGranularity.Tensor, 1)]
    public void For_ShapeAndGranularity_GroupsAsDocumented(long[] shape, DriftGranularity asked, DriftGranularity kind, int features)
    {
        var layout = DriftLayout.For(shape, asked);

        Assert.Equal((kind, features), (layout.Kind, layout.Features));
    }

    [Fact]
    public void FeatureOf_ChannelsOfAnImageBatch_FollowRowMajorOrder()
    {
        // [N, 3, 2, 2]: each row holds 3 channels of 4 pixels; element 13 is row 1, channel 0, pixel 1.
        var layout = DriftLayout.For([2, 3, 2, 2], DriftGranularity.Channel);

        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0], Enumerable.Range(0, 14).Select(i => layout.FeatureOf(i)));
    }

    [Fact]
    public void FeatureOf_Features_CycleAlongEachRow()
    {
        var layout = DriftLayout.For([2, 3], DriftGranularity.Feature);

        Assert.Equal([0, 1, 2, 0, 1, 2], Enumerable.Range(0, 6).Select(i => layout.FeatureOf(i)));
    }
}
