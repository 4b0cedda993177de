using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Maas.TestKit.Storage;

/// <summary>
/// Injects storage faults into a real Azurite client's pipeline: chosen requests (by operation, see <see cref="Applies"/>)
/// fail with 503, fail as a refused connection, or hang until the caller gives up, without reaching storage. Faults
/// start after <see cref="PassBeforeFaults"/> matching requests went through and stop after <see cref="Faults"/> of
/// them, or when <see cref="Mode"/> is set back to <see cref="StorageFault.None"/>.
/// </summary>
public sealed class StorageFaultPolicy : HttpPipelinePolicy
{
    private int _passing;
    private int _remaining = int.MaxValue;
    private int _injected;

    public StorageFault Mode { get; set; } = StorageFault.Unavailable;

    /// <summary>Which requests the fault applies to; every request by default. See <see cref="Writes"/>, <see cref="Reads"/>, <see cref="PathContains"/>.</summary>
    public Func<Request, bool> Applies { get; set; } = _ => true;

    /// <summary>How many matching requests still succeed before the faults start (0: they have started).</summary>
    public int PassBeforeFaults
    {
        get => Volatile.Read(ref _passing);
        set => Volatile.Write(ref _passing, value);
    }

    /// <summary>How many faults to inject before storage answers again (unbounded by default).</summary>
    public int Faults
    {
        get => Volatile.Read(ref _remaining);
        set => Volatile.Write(ref _remaining, value);
    }

    /// <summary>Faults injected so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>Writes: POST, PUT, PATCH, MERGE, DELETE.</summary>
    public static bool Writes(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Method != RequestMethod.Get && request.Method != RequestMethod.Head;
    }

    public static bool Reads(Request request) => !Writes(request);

    /// <summary>Requests whose URI contains <paramref name="fragment"/> (a table name, a blob name, a query such as <c>comp=list</c>).</summary>
    public static Func<Request, bool> PathContains(string fragment) => request => request.Uri.ToString().Contains(fragment, StringComparison.Ordinal);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Inject(message) is { } fault)
        {
            fault.GetAwaiter().GetResult();
            return;
        }

        ProcessNext(message, pipeline);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Inject(message) is { } fault)
        {
            await fault;
            return;
        }

        await ProcessNextAsync(message, pipeline);
    }

    /// <summary>The fault for this request, or null to pass it on: a throw, or a wait only the caller's cancellation ends.</summary>
    private Task? Inject(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mode = Mode;
        if (mode == StorageFault.None || !Applies(message.Request) || Interlocked.Decrement(ref _passing) >= 0 || Interlocked.Decrement(ref _remaining) < 0)
        {
            return null;
        }

        Interlocked.Increment(ref _injected);
        return mode switch
        {
            StorageFault.Unavailable => throw new RequestFailedException(503, "Injected storage fault: service unavailable."),
            StorageFault.ConnectionRefused => throw new RequestFailedException(0, "Injected storage fault: connection refused.", new HttpRequestException("Connection refused")),
            _ => Task.Delay(Timeout.Infinite, message.CancellationToken),
        };
    }
}

/// <summary>The kinds of storage fault <see cref="StorageFaultPolicy"/> injects.</summary>
public enum StorageFault
{
    None,

    /// <summary>503 Service Unavailable.</summary>
    Unavailable,

    /// <summary>A network failure before any answer (what a stopped storage emulator gives).</summary>
    ConnectionRefused,

    /// <summary>No answer at all until the caller cancels (what a frozen storage front end gives).</summary>
    Hang,
}
