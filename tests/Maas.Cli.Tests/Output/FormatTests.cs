using Maas.Cli.Commands;
using Maas.Cli.Output;

namespace Maas.Cli.Tests.Output;

public sealed class FormatTests
{
    [Fact]
    public void Sparkline_Values_ScaleFromLowestToHighestBlock()
    {
        // 0 → lowest, 10 → highest, 5 → (5/10)·7 = 3.5, rounded to even 4 → '▅'.
        Assert.Equal("▁▅█", Format.Sparkline([0, 5, 10]));
    }

    [Fact]
    public void Sparkline_FlatSeries_IsAllLowest()
    {
        Assert.Equal("▁▁▁", Format.Sparkline([3, 3, 3]));
    }

    [Theory]
    [InlineData(512L, "512 B")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(104857600L, "100.0 MiB")]
    public void Bytes_Sizes_InBinaryUnits(long bytes, string expected)
    {
        Assert.Equal(expected, Format.Bytes(bytes));
    }

    [Theory]
    [InlineData("30m", 30.0)]
    [InlineData("1h", 60.0)]
    [InlineData("2d", 2880.0)]
    [InlineData("01:30:00", 90.0)]
    public void Duration_Texts_AreMinutes(string text, double minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), MetricsCommand.Duration(text));
    }
}
