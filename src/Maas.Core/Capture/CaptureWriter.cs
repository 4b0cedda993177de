using System.Buffers;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Maas.Core.Health;
using Maas.Core.Monitoring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Capture;

/// <summary>
/// The background half of capture: every <c>Capture:FlushInterval</c> (and at shutdown) it takes what is queued, writes
/// each record as a JSON line and appends the lines to append blobs
/// <c>&lt;model&gt;/&lt;version&gt;/yyyy/MM/dd/HH/&lt;instance&gt;-&lt;sequence&gt;.jsonl</c> in the captures container, one
/// block per append (all of its lines or none). Records whose append fails are kept for the next flush, up to the
/// queue's capacity; beyond it they are dropped and counted.
/// </summary>
public sealed partial class CaptureWriter(
    CaptureBuffer buffer,
    BlobServiceClient blobs,
    IOptions<CaptureOptions> options,
    MetricsInstance instance,
    DependencyHealth health,
    TimeProvider clock,
    ILogger<CaptureWriter> logger)
    : BackgroundService
{
    /// <summary>Storage limits of append blobs: blocks per blob, bytes per block.</summary>
    private const int MaxBlocksPerBlob = 50_000;
    private const int MaxBlockBytes = 4 * 1024 * 1024;

    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly List<CaptureRecord> _retry = [];

    /// <summary>How long a folder's blob position is remembered after its hour: late records beyond it start a new sequence count.</summary>
    private static readonly TimeSpan FolderMemory = TimeSpan.FromHours(2);

    /// <summary>The blob each folder (model, version, hour) appends to now: its sequence number and blocks so far.</summary>
    private readonly Dictionary<string, (int Sequence, int Blocks, DateTimeOffset Hour)> _current = new(StringComparer.Ordinal);

    /// <summary>Folders whose blob position is remembered (bounded: older hours are forgotten after each flush).</summary>
    internal int RememberedFolders => _current.Count;
    private bool _containerChecked;

    /// <summary>Writes everything queued (and kept from failed flushes). Throws the storage fault when an append fails.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var records = new List<CaptureRecord>(_retry);
            _retry.Clear();
            while (buffer.Reader.TryRead(out var record))
            {
                records.Add(record);
            }

            if (records.Count == 0)
            {
                return;
            }

            var container = blobs.GetBlobContainerClient(options.Value.ContainerName);
            Exception? failure = null;
            foreach (var folder in records.GroupBy(FolderOf, StringComparer.Ordinal))
            {
                var unwritten = folder.ToList();
                try
                {
                    await EnsureContainerAsync(container, cancellationToken);
                    await AppendAsync(container, folder.Key, unwritten, cancellationToken);
                }
                catch (Exception error) when (StorageFaults.IsTransient(error) || error is RequestFailedException)
                {
                    failure ??= error;
                    Keep(unwritten);
                }
                catch (Exception error) when (error is not (OutOfMemoryException or OperationCanceledException))
                {
                    // A record this writer cannot write (a fault of ours): retrying would fail the same way.
                    LogRecordsUnwritable(logger, unwritten.Count, error.GetType().Name);
                    unwritten.ForEach(record => buffer.Drop(record, "unwritable"));
                }
            }

            Forget(clock.GetUtcNow() - FolderMemory);
            if (failure is not null)
            {
                throw failure;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushSafelyAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => FlushLoop.RunAsync(options.Value.FlushInterval, clock, FlushSafelyAsync, stoppingToken);

    private async Task FlushSafelyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception error) when (StorageFaults.IsTransient(error) || error is RequestFailedException or OperationCanceledException)
        {
            health.ReportFailure(DependencyHealth.Storage, "capture write");
            LogWriteFailed(logger, _retry.Count, error.GetType().Name, error.Message);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // Not storage: a fault of ours. Capture must never stop the instance (the host ends the application when a
            // hosted service throws); what was kept is retried.
            LogWriteFailed(logger, _retry.Count, error.GetType().Name, error.Message);
        }
    }

    /// <summary>
    /// Appends the folder's records as JSON lines, in as few blocks of at most 4 MiB as they fit; each block appended
    /// takes its records off <paramref name="unwritten"/>, so a failure leaves exactly the records not yet stored.
    /// </summary>
    private async Task AppendAsync(BlobContainerClient container, string folder, List<CaptureRecord> unwritten, CancellationToken cancellationToken)
    {
        var block = new ArrayBufferWriter<byte>();
        var line = new ArrayBufferWriter<byte>();
        var inBlock = 0;
        foreach (var record in unwritten.ToList())
        {
            line.ResetWrittenCount();
            CaptureLine.Write(record, line);
            if (line.WrittenCount > MaxBlockBytes)
            {
                // Strings escaped beyond the payload estimate: the record keeps its metadata only.
                line.ResetWrittenCount();
                CaptureLine.Write(record with { Inputs = null, Outputs = null, Omitted = string.Create(CultureInfo.InvariantCulture, $"tensors left out: the record's JSON exceeds one append block ({MaxBlockBytes} bytes)") }, line);
            }

            if (block.WrittenCount + line.WrittenCount > MaxBlockBytes)
            {
                await AppendBlockAsync(container, folder, block, cancellationToken);
                Written(unwritten, inBlock);
                inBlock = 0;
                block.ResetWrittenCount();
            }

            block.Write(line.WrittenSpan);
            inBlock++;
        }

        await AppendBlockAsync(container, folder, block, cancellationToken);
        Written(unwritten, inBlock);
        health.ReportSuccess(DependencyHealth.Storage);
    }

    /// <summary>The first <paramref name="count"/> records are stored: their buffers go back to the pool.</summary>
    private static void Written(List<CaptureRecord> unwritten, int count)
    {
        foreach (var record in unwritten.Take(count))
        {
            record.Release();
        }

        unwritten.RemoveRange(0, count);
    }

    private async Task AppendBlockAsync(BlobContainerClient container, string folder, ArrayBufferWriter<byte> block, CancellationToken cancellationToken)
    {
        var (sequence, blocks, _) = _current.GetValueOrDefault(folder);
        if (blocks == MaxBlocksPerBlob)
        {
            (sequence, blocks) = (sequence + 1, 0);
        }

        var blob = container.GetAppendBlobClient(string.Create(CultureInfo.InvariantCulture, $"{folder}{instance.Id}-{sequence}.jsonl"));
        if (blocks == 0)
        {
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }

        using var content = new MemoryStream(block.WrittenMemory.ToArray(), writable: false);
        await blob.AppendBlockAsync(content, cancellationToken: cancellationToken);
        _current[folder] = (sequence, blocks + 1, HourOf(folder));
    }

    /// <summary>Locally (Azurite) the container is made on first use; in Azure it exists (Bicep) and the app may only write blobs.</summary>
    private async Task EnsureContainerAsync(BlobContainerClient container, CancellationToken cancellationToken)
    {
        if (_containerChecked)
        {
            return;
        }

        try
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException error) when (error.Status == 403)
        {
            // Write-only access to an existing container: nothing to create.
        }

        _containerChecked = true;
    }

    /// <summary>Keeps a failed folder's unwritten records for the next flush while the retry list has room; drops and counts the rest.</summary>
    private void Keep(IEnumerable<CaptureRecord> records)
    {
        foreach (var record in records)
        {
            if (_retry.Count < buffer.Capacity)
            {
                _retry.Add(record);
            }
            else
            {
                buffer.Drop(record, "write_failed");
            }
        }
    }

    /// <summary>Drops the blob positions of folders whose hour ended before <paramref name="before"/>, so the map stays small.</summary>
    private void Forget(DateTimeOffset before)
    {
        foreach (var folder in _current.Where(entry => entry.Value.Hour.AddHours(1) < before).Select(entry => entry.Key).ToList())
        {
            _current.Remove(folder);
        }
    }

    /// <summary>The hour a folder name (<c>model/version/yyyy/MM/dd/HH/</c>) stands for.</summary>
    private static DateTimeOffset HourOf(string folder)
    {
        var parts = folder.TrimEnd('/').Split('/');
        return DateTimeOffset.ParseExact(string.Join('/', parts[^4..]), "yyyy'/'MM'/'dd'/'HH", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    private static string FolderOf(CaptureRecord record)
        => string.Create(CultureInfo.InvariantCulture, $"{record.Model}/{record.Version}/{record.Time.UtcDateTime:yyyy'/'MM'/'dd'/'HH}/");

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} capture records could not be written ({ExceptionType}) and are dropped")]
    private static partial void LogRecordsUnwritable(ILogger logger, int count, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Capture write failed; {Kept} records are kept for the next flush: {ExceptionType}: {ExceptionMessage}")]
    private static partial void LogWriteFailed(ILogger logger, int kept, string exceptionType, string exceptionMessage);
}
