using Azure.Data.Tables;
using Maas.Core.Drift;

namespace Maas.Core.Tests.Drift;

public sealed class DriftSummaryCodecTests
{
    [Fact]
    public void Decode_EncodedSummaries_GivesBackEveryCountMomentAndBin()
    {
        var first = new DriftSummary(3);
        foreach (var value in new[] { 1.0, 2.0, 7.0, double.NaN })
        {
            first.Add(value, [1.5, 5.0]);
        }

        var empty = new DriftSummary(1);

        var decoded = DriftSummaryCodec.Decode(DriftSummaryCodec.Encode([first, empty]));

        Assert.Equal(2, decoded.Length);
        Assert.Equal((3L, 1L, 1.0, 7.0), (decoded[0].Count, decoded[0].NonFinite, decoded[0].Min, decoded[0].Max));
        Assert.Equal(10.0 / 3, decoded[0].Mean, 12);
        // Squared deviations of 1, 2, 7 about 10/3: (7/3)² + (4/3)² + (11/3)² = 186/9.
        Assert.Equal(186.0 / 9, decoded[0].SquaredDeviations, 12);
        Assert.Equal([1L, 1L, 1L], decoded[0].Histogram);
        Assert.Equal((0L, 1), (decoded[1].Count, decoded[1].Histogram.Length));
    }

    [Fact]
    public void ReadColumns_BytesOverOneProperty_SplitIntoNumberedPropertiesAndJoinBack()
    {
        var bytes = Enumerable.Range(0, (2 * DriftSummaryCodec.MaxPropertyBytes) + 10).Select(i => (byte)(i % 251)).ToArray();
        var entity = new TableEntity("p", "r");

        DriftSummaryCodec.WriteColumns(entity, "Summary", bytes);

        Assert.Equal([DriftSummaryCodec.MaxPropertyBytes, DriftSummaryCodec.MaxPropertyBytes, 10], Enumerable.Range(0, 3).Select(part => entity.GetBinary($"Summary{part}")!.Length));
        Assert.Null(entity.GetBinary("Summary3"));
        Assert.Equal(bytes, DriftSummaryCodec.ReadColumns(entity, "Summary"));
    }

    [Fact]
    public void DecodeFigures_EncodedFigures_KeepsNullsAndFlags()
    {
        DriftFigures[] figures = [new(0.25, 0.125, -1.5, true), new(null, null, null, false)];

        Assert.Equal(figures, DriftSummaryCodec.DecodeFigures(DriftSummaryCodec.EncodeFigures(figures)));
    }
}
