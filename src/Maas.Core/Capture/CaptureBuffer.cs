using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Maas.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Capture;

/// <summary>
/// The bounded hand-over from predictions to the background writer. Enqueuing never waits: when the queue is full the
/// record is dropped and counted (<c>maas.capture.dropped</c>, reason <c>queue_full</c>), so capture cannot slow or
/// fail a prediction, and memory stays bounded.
/// </summary>
public sealed class CaptureBuffer
{
    private static readonly Counter<long> Dropped = MaasTelemetry.Meter.CreateCounter<long>("maas.capture.dropped", description: "Capture records dropped: the queue was full, or storage refused them past their retries.");

    private readonly Channel<CaptureRecord> _channel;
    private long _dropped;

    public CaptureBuffer(IOptions<CaptureOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Capacity = options.Value.QueueCapacity;
        _channel = Channel.CreateBounded<CaptureRecord>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    public int Capacity { get; }

    /// <summary>Records dropped by this instance since it started, for any reason.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    public ChannelReader<CaptureRecord> Reader => _channel.Reader;

    /// <summary>Whether the queue is full now: a call sampled then need not copy its tensors only to be dropped.</summary>
    public bool IsFull => _channel.Reader.Count >= Capacity;

    /// <summary>Queues the record for the writer; false (the record dropped, counted and released) when the queue is full.</summary>
    public bool TryEnqueue(CaptureRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_channel.Writer.TryWrite(record))
        {
            return true;
        }

        Drop(record, "queue_full");
        return false;
    }

    /// <summary>Counts a record of <paramref name="model"/> dropped before it was made (<c>queue_full</c>, <c>capture_failed</c>).</summary>
    public void CountDropped(string model, long version, string reason) => Count(model, version, reason);

    /// <summary>Counts and releases a record lost after it was queued (storage kept refusing it).</summary>
    public void Drop(CaptureRecord record, string reason)
    {
        ArgumentNullException.ThrowIfNull(record);
        record.Release();
        Count(record.Model, record.Version, reason);
    }

    private void Count(string model, long version, string reason)
    {
        Interlocked.Increment(ref _dropped);
        Dropped.Add(1, new TagList { { "model", model }, { "version", version }, { "reason", reason } });
    }
}
