using Maas.Core.Generation;

namespace Maas.Core.Tests.Generation;

public sealed class KeyValueCacheTests
{
    // One layer, one head, head size 1: each position holds one number, so rows read as plain lists.
    private static float[] Row(KeyValueCache cache, int tensor, int row) => cache.Past(tensor).Span.Slice(row * cache.Length, cache.Length).ToArray();

    private static ReadOnlyMemory<float>[] Present(params float[] values) => [values, values.Select(v => -v).ToArray()];

    [Fact]
    public void Add_RowsOfOtherLengths_LeftPadsTheShorterWithZeros()
    {
        using var cache = new KeyValueCache(layers: 1, heads: 1, headSize: 1);
        cache.Add(Present(1, 2), 2);
        cache.Add(Present(5, 6, 7, 8), 4);

        Assert.Equal(4, cache.Length);
        Assert.Equal([0, 0, 1, 2], Row(cache, 0, 0));
        Assert.Equal([5, 6, 7, 8], Row(cache, 0, 1));
        Assert.Equal([0, 0, -1, -2], Row(cache, 1, 0));
        Assert.Equal((2, 0), (cache.PaddingOf(0), cache.PaddingOf(1)));
    }

    [Fact]
    public void Keep_RemovingTheLongestRow_TrimsPaddingEveryRemainingRowHas()
    {
        using var cache = new KeyValueCache(layers: 1, heads: 1, headSize: 1);
        cache.Add(Present(1, 2), 2);
        cache.Add(Present(5, 6, 7, 8), 4);
        cache.Add(Present(9, 9, 9), 3);

        cache.Keep([0, 2]);

        Assert.Equal(3, cache.Length);
        Assert.Equal([0, 1, 2], Row(cache, 0, 0));
        Assert.Equal([9, 9, 9], Row(cache, 0, 1));
        Assert.Equal((1, 0), (cache.PaddingOf(0), cache.PaddingOf(1)));
    }

    [Fact]
    public void Advance_AfterAStepWroteThePresent_MakesItThePast()
    {
        using var cache = new KeyValueCache(layers: 1, heads: 1, headSize: 1);
        cache.Add(Present(1, 2), 2);
        float[] step = [1, 2, 3];
        step.CopyTo(cache.Present(0));
        step.Select(v => -v).ToArray().CopyTo(cache.Present(1));

        cache.Advance();

        Assert.Equal(3, cache.Length);
        Assert.Equal([1, 2, 3], Row(cache, 0, 0));
    }
}
