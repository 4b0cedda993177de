using System.Text;

namespace Maas.Core.Generation;

/// <summary>
/// Turns one sequence's generated tokens into text as they come: a token is decoded with the few before it (so bytes
/// split across tokens come out whole), and text that could be the start of a stop string is held back until it is
/// known not to be one. A stop string ends the text before it.
/// </summary>
public sealed class CompletionText(Func<IEnumerable<int>, string> decode, IReadOnlyList<string> stops)
{
    private const char Incomplete = '\uFFFD';
    private readonly List<int> _ids = [];
    private readonly StringBuilder _text = new();
    private int _prefixOffset;
    private int _readOffset;
    private int _emitted;
    private readonly int _longestStop = stops.Count == 0 ? 0 : stops.Max(stop => stop.Length);

    /// <summary>All the text shown so far (at the end: the whole completion).</summary>
    public string Emitted => _text.ToString(0, _emitted);

    /// <summary>Adds a token; returns the text that can be shown now (possibly empty) and whether a stop string ended the completion.</summary>
    public (string Text, bool Stopped) Add(int token)
    {
        _ids.Add(token);
        var before = decode(_ids.GetRange(_prefixOffset, _readOffset - _prefixOffset));
        var now = decode(_ids.GetRange(_prefixOffset, _ids.Count - _prefixOffset));
        if (now.Length > before.Length && now[^1] != Incomplete)
        {
            _text.Append(now, before.Length, now.Length - before.Length);
            _prefixOffset = _readOffset;
            _readOffset = _ids.Count;
        }

        if (stops.Count == 0)
        {
            var piece = _text.ToString(_emitted, _text.Length - _emitted);
            _emitted = _text.Length;
            return (piece, false);
        }

        // Only the text not yet shown, and the few characters before it a stop string could start in, are searched.
        var windowStart = Math.Max(0, _emitted - _longestStop + 1);
        var window = _text.ToString(windowStart, _text.Length - windowStart);
        foreach (var stop in stops)
        {
            var at = window.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && windowStart + at + stop.Length > _emitted)
            {
                var end = Math.Max(windowStart + at, _emitted);
                var piece = _text.ToString(_emitted, end - _emitted);
                _emitted = end;
                _text.Length = end;
                return (piece, true);
            }
        }

        var safe = _text.Length - HeldBack(window);
        var shown = safe > _emitted ? _text.ToString(_emitted, safe - _emitted) : string.Empty;
        _emitted = Math.Max(_emitted, safe);
        return (shown, false);
    }

    /// <summary>The text still held back at the end of the completion (it was no stop string after all).</summary>
    public string Flush()
    {
        var rest = _text.ToString(_emitted, _text.Length - _emitted);
        _emitted = _text.Length;
        return rest;
    }

    /// <summary>Length of the longest end of <paramref name="text"/> that begins some stop string.</summary>
    private int HeldBack(string text)
    {
        var held = 0;
        foreach (var stop in stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > held; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    held = length;
                    break;
                }
            }
        }

        return held;
    }
}
