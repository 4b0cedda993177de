using System.Buffers;
using System.Text.Json;

namespace Maas.Core.Batch;

/// <summary>The Batch API's objects as OpenAI's client libraries read them: <c>batch</c>, <c>file</c>, their lists and the deletion answer.</summary>
public static class BatchApiObjects
{
    public static void WriteBatch(IBufferWriter<byte> output, BatchRecord batch)
    {
        using var json = new Utf8JsonWriter(output);
        WriteBatch(json, batch);
    }

    /// <summary><c>{"object": "list", "data": [...], "first_id", "last_id", "has_more"}</c>, newest first.</summary>
    public static void WriteBatchList(IBufferWriter<byte> output, IReadOnlyList<BatchRecord> page, bool hasMore)
    {
        ArgumentNullException.ThrowIfNull(page);
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        foreach (var batch in page)
        {
            WriteBatch(json, batch);
        }

        json.WriteEndArray();
        json.WriteString("first_id", page.Count > 0 ? page[0].Id : null);
        json.WriteString("last_id", page.Count > 0 ? page[^1].Id : null);
        json.WriteBoolean("has_more", hasMore);
        json.WriteEndObject();
    }

    /// <param name="retention">How long files are kept (<c>Batch:RetentionDays</c>): the file's <c>expires_at</c>.</param>
    public static void WriteFile(IBufferWriter<byte> output, BatchFileInfo file, TimeSpan retention)
    {
        ArgumentNullException.ThrowIfNull(file);
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("id", file.Id);
        json.WriteString("object", "file");
        json.WriteNumber("bytes", file.Bytes);
        json.WriteNumber("created_at", file.CreatedAt.ToUnixTimeSeconds());
        json.WriteNumber("expires_at", (file.CreatedAt + retention).ToUnixTimeSeconds());
        json.WriteString("filename", file.Filename);
        json.WriteString("purpose", file.Purpose);
        json.WriteString("status", "processed");
        json.WriteNull("status_details");
        json.WriteEndObject();
    }

    public static void WriteFileDeleted(IBufferWriter<byte> output, string id)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "file");
        json.WriteBoolean("deleted", true);
        json.WriteEndObject();
    }

    private static void WriteBatch(Utf8JsonWriter json, BatchRecord batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        json.WriteStartObject();
        json.WriteString("id", batch.Id);
        json.WriteString("object", "batch");
        json.WriteString("endpoint", batch.Endpoint);
        if (batch.Errors.Count == 0)
        {
            json.WriteNull("errors");
        }
        else
        {
            json.WriteStartObject("errors");
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            foreach (var error in batch.Errors)
            {
                json.WriteStartObject();
                json.WriteString("code", error.Code);
                json.WriteString("message", error.Message);
                json.WriteString("param", error.Param);
                json.WriteNumber("line", error.Line);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteString("input_file_id", batch.InputFileId);
        json.WriteString("completion_window", batch.CompletionWindow);
        json.WriteString("status", BatchStatuses.NameOf(batch.Status));
        json.WriteString("output_file_id", batch.OutputFileId);
        json.WriteString("error_file_id", batch.ErrorFileId);
        json.WriteNumber("created_at", batch.CreatedAt.ToUnixTimeSeconds());
        Time(json, "in_progress_at", batch.InProgressAt);
        Time(json, "expires_at", batch.ExpiresAt);
        Time(json, "finalizing_at", batch.FinalizingAt);
        Time(json, "completed_at", batch.CompletedAt);
        Time(json, "failed_at", batch.FailedAt);
        Time(json, "expired_at", batch.ExpiredAt);
        Time(json, "cancelling_at", batch.CancellingAt);
        Time(json, "cancelled_at", batch.CancelledAt);
        json.WriteStartObject("request_counts");
        json.WriteNumber("total", batch.Counts.Total);
        json.WriteNumber("completed", batch.Counts.Completed);
        json.WriteNumber("failed", batch.Counts.Failed);
        json.WriteEndObject();
        if (batch.Metadata is null)
        {
            json.WriteNull("metadata");
        }
        else
        {
            json.WriteStartObject("metadata");
            foreach (var (key, value) in batch.Metadata)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void Time(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            json.WriteNumber(name, value.ToUnixTimeSeconds());
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
