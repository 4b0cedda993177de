using Maas.Core.Errors;
using Maas.Core.Generation;
using Maas.Core.Inference;
using Maas.TestKit.Generation;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Tests.Generation;

public sealed class GenerationSchedulerTests : IDisposable
{
    private readonly InferenceSession _session = new(Path.Combine(TinyGpt2.Folder, "model.onnx"));
    private readonly TextTokenizer _tokenizer = TextTokenizer.Load(TinyGpt2.Folder);

    [Fact]
    public void Load_TinyGpt2Folder_EncodesThePromptAsGpt2Does()
    {
        Assert.Equal(TinyGpt2.PromptIds, _tokenizer.Encode(TinyGpt2.Prompt));
        Assert.Equal(50_257, _tokenizer.VocabularySize);
        Assert.Contains(50_256, _tokenizer.EndTokens);
    }

    [Fact]
    public async Task Submit_GreedyPrompt_ReproducesTheCorpus()
    {
        using var scheduler = Scheduler(maxConcurrent: 4);
        using var sequence = scheduler.Submit(TinyGpt2.PromptIds, Parameters(TinyGpt2.ContinuationTokens), 128, CancellationToken.None);

        var (text, tokens, reason) = await ReadAsync(sequence);

        Assert.Equal(TinyGpt2.Continuation, text);
        Assert.Equal(TinyGpt2.ContinuationTokens, tokens);
        Assert.Equal("length", reason);
    }

    [Fact]
    public async Task Submit_SequencesOfOtherLengthsTogether_EachReproducesItsText()
    {
        using var scheduler = Scheduler(maxConcurrent: 4);
        var corpus = TinyGpt2.Prompt + TinyGpt2.Continuation;
        var ids = _tokenizer.Encode(corpus);
        var starts = new[] { 4, 9, 17, 2 };
        var sequences = starts.Select(start => (Start: start, Sequence: scheduler.Submit([.. ids.Take(start)], Parameters(20), 128, CancellationToken.None))).ToList();

        foreach (var (start, sequence) in sequences)
        {
            using (sequence)
            {
                var (text, tokens, _) = await ReadAsync(sequence);
                Assert.Equal(_tokenizer.Decode(ids.Skip(start).Take(20)), text);
                Assert.Equal(20, tokens);
            }
        }
    }

    [Fact]
    public async Task Submit_CallerWentAwayWhileQueued_SequenceNeverRunsAndTheNextOneRunsWhole()
    {
        using var scheduler = Scheduler(maxConcurrent: 1);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        using var running = scheduler.Submit(TinyGpt2.PromptIds, Parameters(5), 128, CancellationToken.None);
        using var gone = scheduler.Submit(TinyGpt2.PromptIds, Parameters(5), 128, cancellation.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadAsync(gone));
        Assert.Equal(0, gone.CompletionTokens);
        Assert.Equal(5, (await ReadAsync(running)).Tokens);
        using var next = scheduler.Submit(TinyGpt2.PromptIds, Parameters(TinyGpt2.ContinuationTokens), 128, CancellationToken.None);
        Assert.Equal(TinyGpt2.Continuation, (await ReadAsync(next)).Text);
    }

    [Fact]
    public void Submit_EveryPlaceAndQueueSlotTaken_Is429WithRetryAfterUntilOneIsDisposed()
    {
        using var scheduler = Scheduler(maxConcurrent: 1, maxQueued: 1);
        using var first = scheduler.Submit(TinyGpt2.PromptIds, Parameters(5), 128, CancellationToken.None);
        var second = scheduler.Submit(TinyGpt2.PromptIds, Parameters(5), 128, CancellationToken.None);

        var refused = Assert.Throws<MaasException>(() => scheduler.Submit(TinyGpt2.PromptIds, Parameters(5), 128, CancellationToken.None));

        Assert.Equal(ErrorKind.Throttled, refused.Kind);
        Assert.NotNull(refused.RetryAfter);
        second.Dispose();
        using var third = scheduler.Submit(TinyGpt2.PromptIds, Parameters(5), 128, CancellationToken.None);
    }

    private GenerationScheduler Scheduler(int maxConcurrent, int maxQueued = 16)
    {
        var graph = DecoderGraph.From(SessionFactory.Signature(_session.InputMetadata), SessionFactory.Signature(_session.OutputMetadata), TinyGpt2.Folder);
        return new GenerationScheduler(_session, graph, _tokenizer, maxConcurrent, maxQueued);
    }

    private static GenerationParameters Parameters(int maxTokens) => new(maxTokens, SamplingParameters.Greedy, []);

    private static async Task<(string Text, int Tokens, string? Reason)> ReadAsync(GenerationSequence sequence)
    {
        var text = new System.Text.StringBuilder();
        var tokens = 0;
        string? reason = null;
        await foreach (var piece in sequence.Events.ReadAllAsync())
        {
            text.Append(piece.Text);
            tokens += piece.Tokens;
            reason = piece.FinishReason ?? reason;
        }

        return (text.ToString(), tokens, reason);
    }

    public void Dispose() => _session.Dispose();
}
