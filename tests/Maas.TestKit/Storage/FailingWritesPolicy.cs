using Azure.Core;
using Azure.Core.Pipeline;

namespace Maas.TestKit.Storage;

/// <summary>
/// A pipeline policy that answers every write (POST, PUT, PATCH, MERGE, DELETE) with 503 while <see cref="Failing"/>
/// is set, without reaching storage: a storage outage in the middle of an operation, after its reads succeeded.
/// </summary>
public sealed class FailingWritesPolicy : HttpPipelinePolicy
{
    private int _failed;
    private int _passing;

    public bool Failing { get; set; } = true;

    /// <summary>How many writes still succeed before the outage starts (0: it has started).</summary>
    public int WritesBeforeFailing
    {
        get => Volatile.Read(ref _passing);
        set => Volatile.Write(ref _passing, value);
    }

    public int FailedWrites => Volatile.Read(ref _failed);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        => throw new NotSupportedException("Storage is used through the async API.");

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Failing && message.Request.Method != RequestMethod.Get && message.Request.Method != RequestMethod.Head && Interlocked.Decrement(ref _passing) < 0)
        {
            Interlocked.Increment(ref _failed);
            throw new Azure.RequestFailedException(503, "Injected storage outage.");
        }

        return ProcessNextAsync(message, pipeline);
    }
}
