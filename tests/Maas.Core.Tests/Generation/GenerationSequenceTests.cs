using Maas.Core.Generation;
using Maas.TestKit.Generation;

namespace Maas.Core.Tests.Generation;

public sealed class GenerationSequenceTests
{
    private static readonly TextTokenizer Tokenizer = TextTokenizer.Load(TinyGpt2.Folder);

    private static GenerationSequence Sequence(params string[] stops)
        => new(TinyGpt2.PromptIds, new GenerationParameters(10, SamplingParameters.Greedy, stops), Tokenizer, 128, () => { }, CancellationToken.None);

    [Fact]
    public async Task Accept_EndTokenWhileTextIsHeldBack_KeepsThatText()
    {
        using var sequence = Sequence("END");
        var e = Tokenizer.Encode(" E").Single();

        Assert.True(sequence.Accept(e, Tokenizer.EndTokens));
        Assert.False(sequence.Accept(50256, Tokenizer.EndTokens));

        var outcome = await sequence.Completion;
        Assert.Equal((" E", "stop"), (outcome.Text, outcome.FinishReason));
        var streamed = string.Concat(await sequence.Events.ReadAllAsync().Select(piece => piece.Text).ToListAsync());
        Assert.Equal(" E", streamed);
    }

    [Fact]
    public async Task Accept_StopString_EndsBeforeIt()
    {
        using var sequence = Sequence(" lazy");

        foreach (var token in Tokenizer.Encode(" jumps over the lazy"))
        {
            if (!sequence.Accept(token, Tokenizer.EndTokens))
            {
                break;
            }
        }

        Assert.Equal((" jumps over the", "stop"), ((await sequence.Completion).Text, (await sequence.Completion).FinishReason));
    }
}
