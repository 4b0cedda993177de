using Azure.Core;
using Azure.Core.Pipeline;

namespace Maas.TestKit.Storage;

/// <summary>
/// Watches a real Azurite client's requests without changing them: counts them (for "one listing and one query per
/// run" checks and transaction counts in benchmarks) and can run an action once, right after the first request that
/// <see cref="After"/> matches has been answered, to make a race happen at an exact point.
/// </summary>
public sealed class StorageRequestObserver : HttpPipelinePolicy
{
    private int _requests;
    private int _fired;

    /// <summary>Requests sent so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Every request sent so far, in order, as <c>METHOD /path</c> (no query).</summary>
    public IReadOnlyList<string> Seen => [.. _seen];

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _seen = new();

    /// <summary>Which answered request runs <see cref="Then"/> (once).</summary>
    public Func<Request, bool> After { get; set; } = _ => false;

    /// <summary>What runs after that request; its own requests pass through this observer too (counted, never re-firing).</summary>
    public Func<Task> Then { get; set; } = () => Task.CompletedTask;

    /// <summary>A blob listing (List Blobs).</summary>
    public static bool IsListing(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Uri.Query.Contains("comp=list", StringComparison.Ordinal);
    }

    public void Reset() => Interlocked.Exchange(ref _requests, 0);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _requests);
        _seen.Enqueue($"{message.Request.Method} {message.Request.Uri.Path}");
        ProcessNext(message, pipeline);
        if (ShouldFire(message))
        {
            Then().GetAwaiter().GetResult();
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _requests);
        _seen.Enqueue($"{message.Request.Method} {message.Request.Uri.Path}");
        await ProcessNextAsync(message, pipeline);
        if (ShouldFire(message))
        {
            await Then();
        }
    }

    private bool ShouldFire(HttpMessage message) => After(message.Request) && Interlocked.Exchange(ref _fired, 1) == 0;
}
