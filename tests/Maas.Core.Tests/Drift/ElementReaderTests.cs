using Maas.Core.Drift;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Tests.Drift;

public sealed class ElementReaderTests
{
    [Fact]
    public void Read_LittleEndianElements_GivesTheirValues()
    {
        Assert.Equal([1.5, -2], ElementReader.Read(TensorElementType.Float, [.. BitConverter.GetBytes(1.5f), .. BitConverter.GetBytes(-2f)]));
        Assert.Equal([-3, 4_000_000_000], ElementReader.Read(TensorElementType.Int64, [.. BitConverter.GetBytes(-3L), .. BitConverter.GetBytes(4_000_000_000L)]));
        Assert.Equal([0.5], ElementReader.Read(TensorElementType.Float16, BitConverter.GetBytes((Half)0.5)));
        Assert.Equal([255, 1], ElementReader.Read(TensorElementType.UInt8, [255, 1]));
        Assert.Equal([-1], ElementReader.Read(TensorElementType.Int8, [255]));
        Assert.Equal([1, 0], ElementReader.Read(TensorElementType.Bool, [7, 0]));
    }

    [Fact]
    public void CanRead_StringsAndBrainFloats_AreNotRead()
    {
        Assert.False(ElementReader.CanRead(TensorElementType.String));
        Assert.False(ElementReader.CanRead(TensorElementType.BFloat16));
        Assert.True(ElementReader.CanRead(TensorElementType.Double));
    }
}
