using Maas.Core.Inference;
using Maas.Core.Models;

namespace Maas.Core.Generation;

/// <summary>
/// What a loaded generative version needs besides its session: the tokenizer, and for text generation the decoder's
/// layout and the scheduler that batches its sequences. Lives as the session's companion (<see cref="LoadedModel.Companion{T}"/>).
/// </summary>
public sealed class GenerativeModel : IDisposable
{
    private GenerativeModel(GenerationConfig config, TextTokenizer tokenizer, GenerationScheduler? scheduler)
    {
        Config = config;
        Tokenizer = tokenizer;
        Scheduler = scheduler;
    }

    public GenerationConfig Config { get; }

    public TextTokenizer Tokenizer { get; }

    /// <summary>The decoding scheduler; null for an embeddings model.</summary>
    public GenerationScheduler? Scheduler { get; }

    /// <summary>The most tokens prompt and completion may hold together.</summary>
    public int ContextLimit => Config.MaxContextTokens ?? Scheduler?.Graph.ContextLength ?? int.MaxValue;

    public static GenerativeModel Create(LoadedModel loaded, int maxQueued)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var config = loaded.Model.Config.Generation ?? throw new InvalidOperationException("Only a model with config.json generation has a generative companion.");
        var tokenizer = TextTokenizer.Load(loaded.FolderPath);
        if (config.Task != GenerationTask.TextGeneration)
        {
            return new GenerativeModel(config, tokenizer, null);
        }

        var graph = DecoderGraph.From(loaded.Model.Inputs, loaded.Model.Outputs, loaded.FolderPath);
        return new GenerativeModel(config, tokenizer, new GenerationScheduler(loaded.Session, graph, tokenizer, config.MaxConcurrentSequences, maxQueued));
    }

    public void Dispose() => Scheduler?.Dispose();
}
