using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Maas.Core.Models;

namespace Maas.Core.Registry;

/// <summary>
/// The <c>ModelVersions</c> table: PartitionKey = model name, RowKey = version zero-padded to 10 digits.
/// Every write is conditional on the row's ETag (or on its absence), so concurrent registrations cannot overwrite each other blindly.
/// </summary>
public sealed class ModelRegistryStore(TableClient table, TableClient? lookupTable = null)
{
    public const string TableName = "ModelVersions";
    private const string VersionFormat = "D10";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Signatures stored as typed <see cref="TensorSignature"/> JSON (kind, ONNX element type).</summary>
    private const int TypedSignatureFormat = 2;
    private readonly TableClient _table = table;
    private readonly TableClient _lookupTable = lookupTable ?? table;
    private int _created;

    /// <summary>The store on the standard <c>ModelVersions</c> table; serving-path lookups go through <paramref name="lookup"/>'s client.</summary>
    public ModelRegistryStore(TableServiceClient tables, RegistryLookupTable lookup)
        : this(tables.GetTableClient(TableName), lookup.Table)
    {
    }

    /// <summary>The row and its ETag, or null when the version was never registered.</summary>
    public async Task<(ModelVersionRecord Record, ETag ETag)?> GetAsync(string name, long version, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(name, RowKey(version), cancellationToken: cancellationToken);
        return row.HasValue ? (FromEntity(row.Value!), row.Value!.ETag) : null;
    }

    public async Task<IReadOnlyList<ModelVersionRecord>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        return await QueryVersionsAsync(_table, name, cancellationToken);
    }

    /// <summary>
    /// The versions of one model read for serving, through the lookup client (tight timeouts, one retry): storage
    /// faults surface fast. A table that does not exist yet holds no versions.
    /// </summary>
    public async Task<IReadOnlyList<ModelVersionRecord>> LookUpVersionsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await QueryVersionsAsync(_lookupTable, name, cancellationToken);
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            return [];
        }
    }

    private static async Task<IReadOnlyList<ModelVersionRecord>> QueryVersionsAsync(TableClient table, string name, CancellationToken cancellationToken)
    {
        var rows = new List<ModelVersionRecord>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == name, cancellationToken: cancellationToken))
        {
            rows.Add(FromEntity(entity));
        }

        return rows;
    }

    public async Task<IReadOnlyList<ModelVersionRecord>> ListAllAsync(CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var rows = new List<ModelVersionRecord>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            rows.Add(FromEntity(entity));
        }

        return rows;
    }

    /// <summary>Every row with its ETag, in one query: reconciliation's snapshot of the registry.</summary>
    public async Task<IReadOnlyList<(ModelVersionRecord Record, ETag ETag)>> SnapshotAsync(CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var rows = new List<(ModelVersionRecord, ETag)>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            rows.Add((FromEntity(entity), entity.ETag));
        }

        return rows;
    }

    /// <summary>Inserts the row when <paramref name="expected"/> is null, else replaces it only if its ETag is still <paramref name="expected"/>.</summary>
    /// <exception cref="RequestFailedException">409 or 412 when another writer got there first; the caller re-reads and retries.</exception>
    public async Task WriteAsync(ModelVersionRecord record, ETag? expected, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = ToEntity(record);
        if (expected is { } etag)
        {
            await _table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            await _table.AddEntityAsync(entity, cancellationToken);
        }
    }

    /// <summary>
    /// Writes a registration's <paramref name="record"/> over the row <paramref name="current"/> (as last read; null when
    /// there was none), conditional on its ETag; on a concurrent write it re-reads the row and retries, up to
    /// <see cref="MaxWriteAttempts"/> times. The row keeps when it was first registered, moves <c>UpdatedAt</c> only when
    /// its sources or status change, keeps its rollout state, and is stamped seen now. Returns the concurrent writes it met.
    /// </summary>
    public async Task<int> WriteRegistrationAsync(ModelVersionRecord record, (ModelVersionRecord Record, ETag ETag)? current, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(clock);
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var unchanged = current is { Record: var row } && row.SourceFingerprint == record.SourceFingerprint && row.Status == record.Status;
            var toWrite = record with
            {
                Rollout = record.Rollout ?? current?.Record.Rollout,
                RegisteredAt = current?.Record.RegisteredAt ?? now,
                UpdatedAt = unchanged ? current!.Value.Record.UpdatedAt : now,
                LastSeenAt = now,
            };
            try
            {
                await WriteAsync(toWrite, current?.ETag, cancellationToken);
                return attempt - 1;
            }
            catch (RequestFailedException error) when (error.Status is 409 or 412 && attempt < MaxWriteAttempts)
            {
                current = await GetAsync(record.Name, record.Version, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Sets the rollout state kept on one version's row to what <paramref name="change"/> makes of the current one,
    /// conditional on the row's ETag, re-reading and re-applying on a concurrent write. <paramref name="change"/> returning
    /// the same instance writes nothing. False when the row does not exist.
    /// </summary>
    public async Task<bool> UpdateRolloutAsync(string name, long version, Func<RolloutRecord?, RolloutRecord?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            if (await GetAsync(name, version, cancellationToken) is not var (row, etag))
            {
                return false;
            }

            var updated = change(row.Rollout);
            if (ReferenceEquals(updated, row.Rollout))
            {
                return true;
            }

            try
            {
                await WriteAsync(row with { Rollout = updated }, etag, cancellationToken);
                return true;
            }
            catch (RequestFailedException error) when (error.Status is 409 or 412 && attempt < MaxWriteAttempts)
            {
            }
        }
    }

    /// <summary>Bound on read-modify-write rounds when other writers keep changing the same row.</summary>
    public const int MaxWriteAttempts = 32;

    public static string RowKey(long version) => version.ToString(VersionFormat, CultureInfo.InvariantCulture);

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }

    private static TableEntity ToEntity(ModelVersionRecord record) => new(record.Name, RowKey(record.Version))
    {
        ["Status"] = record.Status.ToString(),
        ["Reason"] = record.Reason,
        ["BlobPath"] = record.BlobPath,
        ["BlobETag"] = record.BlobETag,
        ["Sha256"] = record.Sha256,
        ["SizeBytes"] = record.SizeBytes,
        ["SignatureFormat"] = TypedSignatureFormat,
        ["Inputs"] = JsonSerializer.Serialize(record.Inputs, Json),
        ["Outputs"] = JsonSerializer.Serialize(record.Outputs, Json),
        ["Opset"] = record.Opset,
        ["Producer"] = record.Producer,
        ["Config"] = record.Config.ToJson(),
        ["SourceFingerprint"] = record.SourceFingerprint,
        ["OptimizedBlobPath"] = record.OptimizedBlobPath,
        ["OptimizedFor"] = record.OptimizedFor,
        ["ExampleRuns"] = record.ExampleRuns,
        ["ExampleProblem"] = record.ExampleProblem,
        ["Evaluation"] = record.Evaluation is null ? null : JsonSerializer.Serialize(record.Evaluation, Json),
        ["DriftBaseline"] = record.DriftBaseline is null ? null : JsonSerializer.Serialize(record.DriftBaseline, Json),
        ["Rollout"] = record.Rollout is null ? null : JsonSerializer.Serialize(record.Rollout, Json),
        ["RegisteredAt"] = record.RegisteredAt,
        ["UpdatedAt"] = record.UpdatedAt,
        ["LastSeenAt"] = record.LastSeenAt,
    };

    /// <summary>
    /// Rows written before signatures were typed (no <c>SignatureFormat</c>) carry V2 datatype names: they are read with no
    /// signature and no source fingerprint, so the next trigger or reconciliation registers them again.
    /// </summary>
    private static ModelVersionRecord FromEntity(TableEntity entity)
    {
        var typed = entity.GetInt32("SignatureFormat") == TypedSignatureFormat;
        return new()
        {
            Name = entity.PartitionKey,
            Version = long.Parse(entity.RowKey, CultureInfo.InvariantCulture),
            Status = Enum.Parse<ModelStatus>(entity.GetString("Status")),
            Reason = entity.GetString("Reason") ?? string.Empty,
            BlobPath = entity.GetString("BlobPath") ?? string.Empty,
            BlobETag = entity.GetString("BlobETag") ?? string.Empty,
            Sha256 = entity.GetString("Sha256") ?? string.Empty,
            SizeBytes = entity.GetInt64("SizeBytes") ?? 0,
            Inputs = typed ? JsonSerializer.Deserialize<TensorSignature[]>(entity.GetString("Inputs") ?? "[]", Json) ?? [] : [],
            Outputs = typed ? JsonSerializer.Deserialize<TensorSignature[]>(entity.GetString("Outputs") ?? "[]", Json) ?? [] : [],
            Opset = entity.GetInt64("Opset"),
            Producer = entity.GetString("Producer") ?? string.Empty,
            Config = ModelConfig.FromJson(entity.GetString("Config") ?? "{}"),
            SourceFingerprint = typed ? entity.GetString("SourceFingerprint") ?? string.Empty : string.Empty,
            OptimizedBlobPath = entity.GetString("OptimizedBlobPath") ?? string.Empty,
            OptimizedFor = entity.GetString("OptimizedFor") ?? string.Empty,
            ExampleRuns = entity.GetBoolean("ExampleRuns"),
            ExampleProblem = entity.GetString("ExampleProblem") ?? string.Empty,
            Evaluation = entity.GetString("Evaluation") is { Length: > 0 } evaluation ? JsonSerializer.Deserialize<EvaluationSummary>(evaluation, Json) : null,
            DriftBaseline = entity.GetString("DriftBaseline") is { Length: > 0 } baseline ? JsonSerializer.Deserialize<DriftBaselineSummary>(baseline, Json) : null,
            Rollout = entity.GetString("Rollout") is { Length: > 0 } rollout ? JsonSerializer.Deserialize<RolloutRecord>(rollout, Json) : null,
            RegisteredAt = entity.GetDateTimeOffset("RegisteredAt") ?? default,
            UpdatedAt = entity.GetDateTimeOffset("UpdatedAt") ?? default,
            LastSeenAt = entity.GetDateTimeOffset("LastSeenAt") ?? default,
        };
    }
}
