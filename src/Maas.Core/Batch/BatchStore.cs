using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Maas.Core.Batch;

/// <summary>
/// The batches' table: PartitionKey = owner key, RowKey = batch id, the record as JSON. Ids sort newest first, so a
/// partition reads as OpenAI lists batches. Every change is a read-modify-write on the row's ETag, retried on a
/// conflict, so a cancel and the orchestration's progress never overwrite each other.
/// </summary>
public sealed partial class BatchStore(TableServiceClient tables, IOptions<BatchOptions> options, TimeProvider clock)
{
    private const string DocumentColumn = "Batch";
    private const int MaxConflictRetries = 16;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly TableClient _table = tables.GetTableClient(options.Value.TableName);
    private int _created;

    /// <summary>A new batch id: <c>batch_</c>, then 19 digits that fall as time goes on (newest first), then 20 random hex digits.</summary>
    public string NewId()
    {
        var inverted = DateTimeOffset.MaxValue.UtcTicks - clock.GetUtcNow().UtcTicks;
        return string.Create(CultureInfo.InvariantCulture, $"batch_{inverted:D19}{Guid.NewGuid():N}")[..45];
    }

    public async Task CreateAsync(BatchRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureTableAsync(cancellationToken);
        await _table.AddEntityAsync(ToEntity(record), cancellationToken);
    }

    /// <summary>The batch <paramref name="id"/> of <paramref name="owner"/>, or null (another owner's batch is none of theirs, and an id of another shape is none at all).</summary>
    public async Task<BatchRecord?> GetAsync(string owner, string id, CancellationToken cancellationToken)
    {
        if (!IsBatchId(id))
        {
            return null;
        }

        await EnsureTableAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(owner, id, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>Up to <paramref name="limit"/> batches of <paramref name="owner"/>, newest first, after the batch <paramref name="after"/> when given; and whether more follow.</summary>
    public async Task<(IReadOnlyList<BatchRecord> Page, bool HasMore)> ListAsync(string owner, string? after, int limit, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {owner}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {owner} and RowKey gt {after}");
        var page = new List<BatchRecord>(limit);
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: limit + 1, cancellationToken: cancellationToken))
        {
            if (page.Count == limit)
            {
                return (page, true);
            }

            page.Add(FromEntity(entity));
        }

        return (page, false);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the batch's current record and writes it if it changed, retrying on a
    /// concurrent write; the record as written (or as found, unchanged), or null when the batch does not exist.
    /// </summary>
    public async Task<BatchRecord?> UpdateAsync(string owner, string id, Func<BatchRecord, BatchRecord> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!IsBatchId(id))
        {
            return null;
        }

        await EnsureTableAsync(cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(owner, id, cancellationToken: cancellationToken);
            if (!row.HasValue)
            {
                return null;
            }

            var current = FromEntity(row.Value!);
            var changed = change(current);
            if (changed == current)
            {
                return current;
            }

            try
            {
                await _table.UpdateEntityAsync(ToEntity(changed), row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                return changed;
            }
            catch (RequestFailedException error) when (error.Status == 412 && attempt < MaxConflictRetries)
            {
                // Someone else wrote the row since it was read: read it again and re-apply the change.
            }
        }
    }

    /// <summary>Whether <paramref name="id"/> has the shape <see cref="NewId"/> gives (anything else, a caller's text, never reaches a table key).</summary>
    private static bool IsBatchId(string id) => BatchIdPattern().IsMatch(id);

    [GeneratedRegex("^batch_[0-9a-f]{39}$", RegexOptions.CultureInvariant)]
    private static partial Regex BatchIdPattern();

    private static TableEntity ToEntity(BatchRecord record) => new(record.Owner, record.Id)
    {
        [DocumentColumn] = JsonSerializer.Serialize(record, Json),
    };

    private static BatchRecord FromEntity(TableEntity entity)
        => JsonSerializer.Deserialize<BatchRecord>(entity.GetString(DocumentColumn), Json)
           ?? throw new InvalidOperationException("A batch row holds no record.");

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
