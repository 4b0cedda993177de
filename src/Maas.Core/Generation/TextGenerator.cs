using System.Globalization;
using Maas.Core.Errors;
using Maas.Core.Inference;
using Maas.Core.Models;
using Microsoft.Extensions.Options;

namespace Maas.Core.Generation;

/// <summary>A prompt as a caller gives it: text, chat messages, or token ids.</summary>
public sealed record GenerationPrompt(string? Text, IReadOnlyList<ChatMessage>? Messages, IReadOnlyList<int>? TokenIds)
{
    /// <summary>The request field that carries the prompt, for messages about it.</summary>
    public string Field => Messages is not null ? "messages" : "prompt";
}

/// <summary>What a caller asks of a completion: null <paramref name="MaxTokens"/> takes the model's default (within the context).</summary>
/// <param name="Stream">Whether the caller reads the text as it comes (events) or only once finished.</param>
public sealed record CompletionOptions(int? MaxTokens, SamplingParameters Sampling, IReadOnlyList<string> Stop, bool Stream = false);

/// <summary>A generation under way: its sequence's events, and the session lease it holds until disposed.</summary>
/// <param name="promptText">The prompt as the model read it (a chat rendered in its format; decoded when given as token ids), for capture.</param>
public sealed class GenerationRun(ModelVersionRecord model, GenerationSequence sequence, SessionLease lease, string promptText) : IDisposable
{
    public ModelVersionRecord Model { get; } = model;

    public string PromptText { get; } = promptText;

    public GenerationSequence Sequence { get; } = sequence;

    public void Dispose()
    {
        Sequence.Dispose();
        lease.Dispose();
    }
}

/// <summary>
/// The data plane of text generation: checks the model generates text, renders and tokenizes the prompt, checks the
/// context, and submits the sequence to the version's scheduler on a leased cached session.
/// </summary>
public sealed class TextGenerator(SessionCache sessions, IOptions<GenerationOptions> options)
{
    /// <summary>The model's generation config when its task is <paramref name="task"/>; a 400 naming what it is otherwise.</summary>
    public static GenerationConfig RequireTask(ModelVersionRecord model, GenerationTask task)
    {
        ArgumentNullException.ThrowIfNull(model);
        var wanted = GenerationConfig.TaskName(task);
        if (model.Config.Generation is not { } config)
        {
            throw new MaasException(ErrorKind.InvalidInput, $"Model '{model.Name}' is not a generative model (its config.json has no generation block); this endpoint needs a '{wanted}' model. Call it through /models/{model.Name}/predict or /v2/models/{model.Name}/infer.") { Field = "model", Code = "model_not_supported" };
        }

        return config.Task == task
            ? config
            : throw new MaasException(ErrorKind.InvalidInput, $"Model '{model.Name}' has task '{GenerationConfig.TaskName(config.Task)}'; this endpoint needs a '{wanted}' model.") { Field = "model", Code = "model_not_supported" };
    }

    /// <summary>The loaded generative model of <paramref name="model"/> on a lease the caller disposes.</summary>
    public async Task<(GenerativeModel Model, SessionLease Lease)> AcquireAsync(ModelVersionRecord model, CancellationToken cancellationToken)
    {
        var lease = await sessions.AcquireAsync(model, cancellationToken);
        try
        {
            return (lease.Loaded.Companion(loaded => GenerativeModel.Create(loaded, options.Value.MaxQueuedSequences)), lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Starts completing <paramref name="prompt"/>; the run's events carry the text. Dispose the run when done reading.</summary>
    public async Task<GenerationRun> StartAsync(ModelVersionRecord model, GenerationPrompt prompt, CompletionOptions completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(completion);
        var config = RequireTask(model, GenerationTask.TextGeneration);
        var (generative, lease) = await AcquireAsync(model, cancellationToken);
        try
        {
            var text = prompt.TokenIds is { } given ? generative.Tokenizer.Decode(given) : prompt.Messages is { } messages ? ChatPrompt.Render(config, messages) : prompt.Text ?? string.Empty;
            var ids = prompt.TokenIds ?? generative.Tokenizer.Encode(text);
            if (ids.Count == 0)
            {
                throw new MaasException(ErrorKind.InvalidInput, $"The {prompt.Field} is empty; give at least one token of text.") { Field = prompt.Field };
            }

            if (ids.FirstOrDefault(id => id < 0 || id >= generative.Scheduler!.Graph.VocabularySize, -1) is var bad && bad != -1 && prompt.TokenIds is not null)
            {
                throw new MaasException(ErrorKind.InvalidInput, string.Create(CultureInfo.InvariantCulture, $"The prompt holds token id {bad}, outside the model's vocabulary (0 to {generative.Scheduler!.Graph.VocabularySize - 1}).")) { Field = "prompt" };
            }

            var limit = generative.ContextLimit;
            var maxTokens = completion.MaxTokens ?? Math.Min(config.DefaultMaxTokens, Math.Max(limit - ids.Count, 0));
            if (ids.Count + maxTokens > limit || maxTokens == 0)
            {
                throw new MaasException(
                    ErrorKind.InvalidInput,
                    string.Create(CultureInfo.InvariantCulture, $"This model's maximum context length is {limit} tokens. However, you requested {ids.Count + maxTokens} tokens ({ids.Count} in the {prompt.Field}, {maxTokens} for the completion). Please reduce the length of the {prompt.Field} or the completion."))
                { Field = prompt.Field, Code = "context_length_exceeded" };
            }

            string[] stops = [.. config.Stop, .. completion.Stop, .. prompt.Messages is not null && ChatPrompt.EndOfTurn(config) is { } end ? [end] : Array.Empty<string>()];
            var sequence = generative.Scheduler!.Submit(ids, new GenerationParameters(maxTokens, completion.Sampling, stops, completion.Stream), limit, cancellationToken);
            return new GenerationRun(model, sequence, lease, text);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }
}
