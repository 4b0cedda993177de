namespace Maas.Core.Batch;

/// <summary>A run of consecutive lines of a batch input file, processed by one activity: bytes [Offset, Offset + Length).</summary>
public sealed record BatchChunk(int Index, long Offset, long Length, int FirstLine, int LineCount);

/// <summary>
/// Splits a batch's lines into chunks by byte range, each of at most <c>maxLines</c> lines and (unless a single line
/// is larger) <c>maxBytes</c> bytes; consecutive lines stay together, so an activity reads one byte range of the file.
/// </summary>
public static class BatchChunkPlan
{
    public static IReadOnlyList<BatchChunk> Plan(IReadOnlyList<BatchLine> lines, int maxLines, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        var chunks = new List<BatchChunk>();
        var start = 0;
        while (start < lines.Count)
        {
            var end = start + 1;
            while (end < lines.Count && end - start < maxLines && lines[end].Offset + lines[end].Length - lines[start].Offset <= maxBytes)
            {
                end++;
            }

            var last = lines[end - 1];
            chunks.Add(new BatchChunk(chunks.Count, lines[start].Offset, last.Offset + last.Length - lines[start].Offset, lines[start].Line, end - start));
            start = end;
        }

        return chunks;
    }
}
