using System.Text;
using Maas.Core.Generation;

namespace Maas.Core.Tests.Generation;

public sealed class CompletionTextTests
{
    /// <summary>A byte-level "tokenizer": each token id is one UTF-8 byte, as byte-level BPE's rarest tokens are.</summary>
    private static string Decode(IEnumerable<int> ids) => Encoding.UTF8.GetString([.. ids.Select(id => (byte)id)]);

    private static int[] Bytes(string text) => [.. Encoding.UTF8.GetBytes(text).Select(b => (int)b)];

    [Fact]
    public void Add_CharacterSplitAcrossTokens_ComesOutWhole()
    {
        var text = new CompletionText(Decode, []);
        var pieces = Bytes("é!").Select(token => text.Add(token).Text).ToList();

        Assert.Equal(["", "é", "!"], pieces);
    }

    [Fact]
    public void Add_StopString_EndsTheTextBeforeIt()
    {
        var text = new CompletionText(Decode, ["END"]);
        var shown = new StringBuilder();
        var stopped = false;
        foreach (var token in Bytes("hello ENDworld"))
        {
            var (piece, stop) = text.Add(token);
            shown.Append(piece);
            if (stop)
            {
                stopped = true;
                break;
            }
        }

        Assert.True(stopped);
        Assert.Equal("hello ", shown.ToString());
    }

    [Fact]
    public void Add_StartOfAStopString_IsHeldBackUntilItIsNotOne()
    {
        var text = new CompletionText(Decode, ["END"]);

        Assert.Equal("a", text.Add('a').Text);
        Assert.Equal("", text.Add('E').Text);
        Assert.Equal("", text.Add('N').Text);
        Assert.Equal("ENx", text.Add('x').Text);
    }

    [Fact]
    public void Flush_AtTheEnd_GivesWhatWasHeldBack()
    {
        var text = new CompletionText(Decode, ["END"]);
        text.Add('E');

        Assert.Equal("E", text.Flush());
    }
}
