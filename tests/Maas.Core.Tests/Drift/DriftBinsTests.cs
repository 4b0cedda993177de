using Maas.Core.Drift;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Tests.Drift;

public sealed class DriftBinsTests
{
    [Fact]
    public void AsElement_DecimalValues_RoundAsTheTensorHoldsThem()
    {
        // 185/255 scaled to [-1, 1] as a float: the decimal text 0.4509804 is a different double.
        var level = (float)((185 / 255.0) - 0.5) / 0.5f;

        Assert.Equal((double)level, DriftBins.AsElement(TensorElementType.Float, 0.45098039215686275));
        Assert.NotEqual(0.45098039215686275, (double)level);
        Assert.Equal(0.5, DriftBins.AsElement(TensorElementType.Float16, 0.50001));
        Assert.Equal(2, DriftBins.AsElement(TensorElementType.Int64, 2.9));
        Assert.Equal(1, DriftBins.AsElement(TensorElementType.Bool, 7));
        Assert.Equal(0.1, DriftBins.AsElement(TensorElementType.Double, 0.1));
    }

    [Fact]
    public void BinOf_ValueOnAnEdge_CountsInTheLowerBin()
    {
        double[] edges = [1, 2, 3];
        double[] values = [0.5, 1.0, 1.5, 2.0, 9.0];

        Assert.Equal([0, 0, 1, 1, 3], values.Select(v => DriftBins.BinOf(edges, v)));
    }
}
