using System.Buffers.Binary;
using Azure.Data.Tables;

namespace Maas.Core.Drift;

/// <summary>
/// The summaries of one tensor's features as bytes, for table rows: per feature its count, non-finite count, mean,
/// squared deviations, minimum, maximum (little-endian, 8 bytes each), the number of bins (4 bytes) and the bins' counts.
/// A table property holds at most 64 KiB, so the bytes are split over numbered properties (<c>Summary0</c>, <c>Summary1</c>, …).
/// </summary>
public static class DriftSummaryCodec
{
    /// <summary>Bytes per binary table property (the service's limit is 64 KiB).</summary>
    public const int MaxPropertyBytes = 64 * 1024;

    /// <summary>The prefix of the columns holding a row's summaries.</summary>
    public const string SummaryColumn = "Summary";

    private const int FixedBytes = (6 * sizeof(long)) + sizeof(int);

    public static byte[] Encode(IReadOnlyList<DriftSummary> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var bytes = new byte[features.Sum(f => FixedBytes + (f.Histogram.Length * sizeof(long)))];
        var span = bytes.AsSpan();
        foreach (var feature in features)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span, feature.Count);
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], feature.NonFinite);
            BinaryPrimitives.WriteDoubleLittleEndian(span[16..], feature.Mean);
            BinaryPrimitives.WriteDoubleLittleEndian(span[24..], feature.SquaredDeviations);
            BinaryPrimitives.WriteDoubleLittleEndian(span[32..], feature.Min);
            BinaryPrimitives.WriteDoubleLittleEndian(span[40..], feature.Max);
            BinaryPrimitives.WriteInt32LittleEndian(span[48..], feature.Histogram.Length);
            span = span[FixedBytes..];
            foreach (var count in feature.Histogram)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span, count);
                span = span[sizeof(long)..];
            }
        }

        return bytes;
    }

    public static DriftSummary[] Decode(ReadOnlySpan<byte> bytes)
    {
        var features = new List<DriftSummary>();
        while (!bytes.IsEmpty)
        {
            var bins = BinaryPrimitives.ReadInt32LittleEndian(bytes[48..]);
            var histogram = new long[bins];
            for (var i = 0; i < bins; i++)
            {
                histogram[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(FixedBytes + (i * sizeof(long)))..]);
            }

            features.Add(DriftSummary.Restore(
                BinaryPrimitives.ReadInt64LittleEndian(bytes),
                BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]),
                BinaryPrimitives.ReadDoubleLittleEndian(bytes[16..]),
                BinaryPrimitives.ReadDoubleLittleEndian(bytes[24..]),
                BinaryPrimitives.ReadDoubleLittleEndian(bytes[32..]),
                BinaryPrimitives.ReadDoubleLittleEndian(bytes[40..]),
                histogram));
            bytes = bytes[(FixedBytes + (bins * sizeof(long)))..];
        }

        return [.. features];
    }

    /// <summary>The prefix of the columns holding a rollup row's figures.</summary>
    public const string FiguresColumn = "Figures";

    private const int FigureBytes = (3 * sizeof(double)) + 1;

    /// <summary>Each feature's figures as three little-endian doubles (PSI, distance, mean shift; NaN for none) and a flag byte.</summary>
    public static byte[] EncodeFigures(IReadOnlyList<DriftFigures> figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var bytes = new byte[figures.Count * FigureBytes];
        for (var i = 0; i < figures.Count; i++)
        {
            var span = bytes.AsSpan(i * FigureBytes);
            BinaryPrimitives.WriteDoubleLittleEndian(span, figures[i].Psi ?? double.NaN);
            BinaryPrimitives.WriteDoubleLittleEndian(span[8..], figures[i].Jsd ?? double.NaN);
            BinaryPrimitives.WriteDoubleLittleEndian(span[16..], figures[i].MeanShift ?? double.NaN);
            span[24] = figures[i].Flagged ? (byte)1 : (byte)0;
        }

        return bytes;
    }

    public static DriftFigures[] DecodeFigures(ReadOnlySpan<byte> bytes)
    {
        var figures = new DriftFigures[bytes.Length / FigureBytes];
        for (var i = 0; i < figures.Length; i++)
        {
            var span = bytes[(i * FigureBytes)..];
            figures[i] = new DriftFigures(
                NullIfNaN(BinaryPrimitives.ReadDoubleLittleEndian(span)),
                NullIfNaN(BinaryPrimitives.ReadDoubleLittleEndian(span[8..])),
                NullIfNaN(BinaryPrimitives.ReadDoubleLittleEndian(span[16..])),
                span[24] != 0);
        }

        return figures;
    }

    private static double? NullIfNaN(double value) => double.IsNaN(value) ? null : value;

    /// <summary>Puts <paramref name="bytes"/> on <paramref name="entity"/> as <paramref name="prefix"/>0, <paramref name="prefix"/>1, … of at most 64 KiB each.</summary>
    public static void WriteColumns(TableEntity entity, string prefix, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var part = 0;
        do
        {
            var length = Math.Min(MaxPropertyBytes, bytes.Length);
            entity[prefix + part++] = bytes[..length].ToArray();
            bytes = bytes[length..];
        }
        while (!bytes.IsEmpty);
    }

    /// <summary>The bytes <see cref="WriteColumns"/> put on an entity, joined again.</summary>
    public static byte[] ReadColumns(TableEntity entity, string prefix)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var parts = new List<byte[]>();
        while (entity.GetBinary(prefix + parts.Count) is { } part)
        {
            parts.Add(part);
        }

        return [.. parts.SelectMany(part => part)];
    }
}
