using System.Diagnostics;
using System.Threading.Channels;

namespace Maas.Core.Generation;

/// <summary>What a sequence emits: text that can be shown now, the tokens it took, and at the end why it finished.</summary>
/// <param name="FinishReason"><c>stop</c> (an end token or stop string) or <c>length</c> (max tokens or the context); null before the end.</param>
public readonly record struct GenerationEvent(string Text, int Tokens, string? FinishReason);

/// <summary>What a caller asks of one generation, in tokens.</summary>
/// <param name="Streamed">True: every piece of text is an event as it comes; false: only <see cref="GenerationSequence.Completion"/> (no wake-up per token).</param>
public sealed record GenerationParameters(int MaxTokens, SamplingParameters Sampling, IReadOnlyList<string> Stop, bool Streamed = true);

/// <summary>A finished generation's whole text and why it finished (<c>stop</c> or <c>length</c>).</summary>
public sealed record GenerationOutcome(string Text, string FinishReason);

/// <summary>
/// One prompt being completed by a <see cref="GenerationScheduler"/>: the caller reads <see cref="Events"/> while the
/// scheduler's loop writes them. Cancelling the caller's token, or disposing the sequence before its end, takes it out
/// of the batch before the next step. It holds its place among the scheduler's in-flight sequences until disposed.
/// </summary>
public sealed class GenerationSequence : IDisposable
{
    private Action? _release;
    private volatile bool _abandoned;
    private readonly Channel<GenerationEvent> _events = Channel.CreateUnbounded<GenerationEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly long _submitted = Stopwatch.GetTimestamp();
    private readonly TaskCompletionSource<GenerationOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal GenerationSequence(IReadOnlyList<int> prompt, GenerationParameters parameters, TextTokenizer tokenizer, int contextLimit, Action release, CancellationToken cancellationToken)
    {
        _release = release;
        Prompt = prompt;
        Parameters = parameters;
        ContextLimit = contextLimit;
        CancellationToken = cancellationToken;
        Sampler = new TokenSampler(parameters.Sampling);
        Text = new CompletionText(tokenizer.Decode, parameters.Stop);
        Position = prompt.Count;
    }

    /// <summary>The text as it comes (when the parameters ask for a stream).</summary>
    public ChannelReader<GenerationEvent> Events => _events.Reader;

    /// <summary>The whole text once the sequence finishes; faults or is cancelled as the sequence does.</summary>
    public Task<GenerationOutcome> Completion => _completion.Task;

    public int PromptTokens => Prompt.Count;

    /// <summary>Tokens generated so far.</summary>
    public int CompletionTokens { get; private set; }

    /// <summary>From submission to the first token (queueing and the prompt's pass included); null before it.</summary>
    public TimeSpan? TimeToFirstToken { get; private set; }

    /// <summary>From submission to the last token; null before the sequence finishes.</summary>
    public TimeSpan? TimeToLastToken { get; private set; }

    /// <summary>Mean time per token after the first; null with fewer than two tokens or before the end.</summary>
    public TimeSpan? TimePerOutputToken => TimeToLastToken is { } last && TimeToFirstToken is { } first && CompletionTokens > 1
        ? (last - first) / (CompletionTokens - 1)
        : null;

    internal IReadOnlyList<int> Prompt { get; }

    internal GenerationParameters Parameters { get; }

    internal int ContextLimit { get; }

    internal CancellationToken CancellationToken { get; }

    /// <summary>Whether the caller went away or gave the sequence up: the loop takes it out before the next step.</summary>
    internal bool IsAbandoned => _abandoned || CancellationToken.IsCancellationRequested;

    internal TokenSampler Sampler { get; }

    internal CompletionText Text { get; }

    /// <summary>The last token chosen: the next step's input.</summary>
    internal int LastToken { get; private set; }

    /// <summary>The position of <see cref="LastToken"/> (tokens before it, prompt included).</summary>
    internal int Position { get; private set; }

    /// <summary>Records a chosen token and emits its text; returns false when the sequence has finished.</summary>
    internal bool Accept(int token, IReadOnlySet<int> endTokens)
    {
        TimeToFirstToken ??= Stopwatch.GetElapsedTime(_submitted);
        if (CompletionTokens > 0)
        {
            Position++;
        }

        CompletionTokens++;
        LastToken = token;
        if (endTokens.Contains(token))
        {
            // Text held back as the possible start of a stop string was no stop string after all.
            return Finish(Text.Flush(), "stop");
        }

        var (text, stopped) = Text.Add(token);
        if (stopped)
        {
            return Finish(text, "stop");
        }

        if (CompletionTokens >= Parameters.MaxTokens || Position + 1 >= ContextLimit)
        {
            return Finish(text + Text.Flush(), "length");
        }

        Emit(new GenerationEvent(text, 1, null));
        return true;
    }

    /// <summary>Gives the sequence up (if it has not finished) and frees its place among the scheduler's in-flight sequences.</summary>
    public void Dispose()
    {
        _abandoned = true;
        Interlocked.Exchange(ref _release, null)?.Invoke();
    }

    /// <summary>Ends the sequence with an error (the caller's read throws it).</summary>
    internal void Fail(Exception error)
    {
        _events.Writer.TryComplete(error);
        _completion.TrySetException(error);
    }

    /// <summary>
    /// Emits the last piece and ends the sequence: the whole text (what <see cref="CompletionText"/> has shown) is its
    /// <see cref="Completion"/>, set before the events end, so a caller that has read them all finds it done.
    /// </summary>
    private bool Finish(string text, string reason)
    {
        TimeToLastToken = Stopwatch.GetElapsedTime(_submitted);
        Emit(new GenerationEvent(text, 1, reason));
        _completion.TrySetResult(new GenerationOutcome(Text.Emitted, reason));
        _events.Writer.TryComplete();
        return false;
    }

    private void Emit(GenerationEvent piece)
    {
        if (Parameters.Streamed)
        {
            _events.Writer.TryWrite(piece);
        }
    }
}
