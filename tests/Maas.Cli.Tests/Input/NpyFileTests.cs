using Maas.Cli.Input;
using Maas.Cli.Tests.Commands;

namespace Maas.Cli.Tests.Input;

public sealed class NpyFileTests
{
    [Fact]
    public void Parse_Int64Matrix_ReadsTypeShapeAndNestedValues()
    {
        var npy = NpyFile.Parse(PredictCommandTests.Npy("<i8", [2, 3], new long[] { 1, 2, 3, 4, 5, -6 }), "a.npy");

        Assert.Equal("INT64", npy.Datatype);
        Assert.Equal([2L, 3L], npy.Shape);
        Assert.Equal("[[1,2,3],[4,5,-6]]", npy.ToJson().ToJsonString());
    }

    [Fact]
    public void Parse_OneDimensionalBool_KeepsTheTrailingCommaShape()
    {
        var npy = NpyFile.Parse(PredictCommandTests.Npy("|b1", [3], new byte[] { 1, 0, 1 }), "b.npy");

        Assert.Equal("[true,false,true]", npy.ToJson().ToJsonString());
    }

    [Theory]
    [InlineData("<c8", "holds '<c8' elements")]
    [InlineData(">f4", "holds '>f4' elements")]
    public void Parse_UnsupportedType_NamesIt(string descr, string expected)
    {
        var error = Assert.Throws<CliException>(() => NpyFile.Parse(PredictCommandTests.Npy(descr, [1], new long[] { 0 }), "c.npy"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TruncatedData_SaysHowManyBytesTheShapeNeeds()
    {
        var bytes = PredictCommandTests.Npy("<f4", [2, 2], new float[] { 1, 2, 3, 4 });

        var error = Assert.Throws<CliException>(() => NpyFile.Parse(bytes[..^4], "d.npy"));

        Assert.Equal("d.npy has 12 data bytes; its shape (2,2) of '<f4' needs 16.", error.Message);
    }

    [Fact]
    public void Parse_NotNpy_Refused()
    {
        Assert.Throws<CliException>(() => NpyFile.Parse("[1, 2]"u8.ToArray(), "e.npy"));
    }
}
