using Maas.Core.Models;
using Maas.Core.Registry;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Inference;

/// <summary>A live ONNX Runtime session of one model version, with the local folder its graph and external data came from.</summary>
/// <param name="bytes">What the cache budget counts; the folder's bytes when not given (a session from an optimised copy counts the registered graph's).</param>
public sealed class LoadedModel(ModelVersionRecord model, InferenceSession session, ModelFolder folder, string executionProvider, TimeSpan loadTime, long? bytes = null) : IDisposable
{
    public ModelVersionRecord Model { get; } = model;

    public InferenceSession Session { get; } = session;

    /// <summary>The ONNX Runtime provider the session runs on, e.g. <c>CPUExecutionProvider</c>.</summary>
    public string ExecutionProvider { get; } = executionProvider;

    /// <summary>Bytes the model occupies (graph plus external data), what the cache budget counts.</summary>
    public long Bytes { get; } = bytes ?? folder.TotalBytes;

    /// <summary>From the first blob read to a session ready to run (warm-up included).</summary>
    public TimeSpan LoadTime { get; } = loadTime;

    /// <summary>The local folder the version was copied to (its tokenizer files sit beside the graph).</summary>
    public string FolderPath => folder.FullPath;

    private readonly Lock _companionGate = new();
    private object? _companion;

    /// <summary>
    /// State that lives as long as the session (a generative model's tokenizer and scheduler): made on first use by
    /// <paramref name="create"/>, disposed with the session. One companion per loaded model.
    /// </summary>
    public T Companion<T>(Func<LoadedModel, T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (_companionGate)
        {
            return (T)(_companion ??= create(this));
        }
    }

    /// <summary>Cuts the local folder out of an ONNX Runtime message.</summary>
    public string Redacted(string message) => folder.Redact(message);

    public void Dispose()
    {
        (_companion as IDisposable)?.Dispose();
        Session.Dispose();
        folder.Dispose();
    }
}
