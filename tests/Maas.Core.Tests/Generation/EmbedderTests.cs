using Maas.Core.Generation;
using Maas.Core.Models;

namespace Maas.Core.Tests.Generation;

public sealed class EmbedderTests
{
    // Three tokens of width 2, the third padding: [1, 2], [3, 6], [100, 100].
    private static readonly float[] States = [1, 2, 3, 6, 100, 100];

    [Theory]
    [InlineData(EmbeddingPooling.Mean, 2f, 4f)]
    [InlineData(EmbeddingPooling.Cls, 1f, 2f)]
    [InlineData(EmbeddingPooling.Last, 3f, 6f)]
    public void Pool_KeptTokensOnly_GivesTheExpectedVector(EmbeddingPooling pooling, float first, float second)
    {
        var vector = new float[2];

        Embedder.Pool(States, kept: 2, width: 2, pooling, vector);

        Assert.Equal([first, second], vector);
    }

    [Fact]
    public void Normalize_ThreeFour_IsThreeFifthsFourFifths()
    {
        float[] vector = [3, 4];

        Embedder.Normalize(vector);

        Assert.Equal([0.6f, 0.8f], vector);
    }
}
