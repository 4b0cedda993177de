using System.Globalization;
using System.Text.Json;
using Maas.Core.Errors;

namespace Maas.Core.Batch;

/// <summary>A decoded <c>POST /v1/batches</c> body.</summary>
public sealed record BatchCreation(string InputFileId, string Endpoint, string CompletionWindow, IReadOnlyDictionary<string, string>? Metadata)
{
    /// <summary>The one completion window OpenAI's Batch API offers.</summary>
    public const string Window = "24h";
}

/// <summary>Reads the Batch API's request bodies as OpenAI defines them: a field of the wrong kind is a 400 naming it, and so is an unknown field.</summary>
public static class BatchApiRequests
{
    /// <summary>Most <c>metadata</c> pairs of a batch, and their lengths, as OpenAI limits them.</summary>
    private const int MaxMetadataPairs = 16;
    private const int MaxMetadataKeyLength = 64;
    private const int MaxMetadataValueLength = 512;
    private const int MaxDepth = 8;

    /// <summary>A <c>POST /v1/batches</c> body: <c>input_file_id</c>, <c>endpoint</c>, <c>completion_window</c> (<c>24h</c>) and optional <c>metadata</c>.</summary>
    public static BatchCreation ReadCreate(ReadOnlySpan<byte> body)
    {
        using var document = Parse(body);
        string? inputFileId = null;
        string? endpoint = null;
        string? window = null;
        Dictionary<string, string>? metadata = null;
        foreach (var field in document.RootElement.EnumerateObject())
        {
            switch (field.Name)
            {
                case "input_file_id":
                    inputFileId = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : throw Invalid(field.Name, "'input_file_id' must be the id of a file uploaded with purpose 'batch'.");
                    break;
                case "endpoint":
                    endpoint = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : throw Invalid(field.Name, $"'endpoint' must be one of {BatchEndpoint.Expected}.");
                    break;
                case "completion_window":
                    window = field.Value.ValueKind == JsonValueKind.String && field.Value.GetString() == BatchCreation.Window ? BatchCreation.Window : throw Invalid(field.Name, "'completion_window' must be \"24h\".");
                    break;
                case "metadata":
                    metadata = MetadataOf(field.Value);
                    break;
                default:
                    throw new MaasException(ErrorKind.InvalidInput, $"Unrecognized request argument supplied: {field.Name}.") { Field = field.Name, Code = "unknown_parameter" };
            }
        }

        return new BatchCreation(
            inputFileId ?? throw Missing("input_file_id"),
            endpoint ?? throw Missing("endpoint"),
            window ?? throw Missing("completion_window"),
            metadata);
    }

    private static Dictionary<string, string>? MetadataOf(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        const string Expected = "'metadata' must be an object of at most 16 string values, keys of at most 64 characters and values of at most 512.";
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("metadata", Expected);
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in value.EnumerateObject())
        {
            if (pairs.Count == MaxMetadataPairs || pair.Name.Length > MaxMetadataKeyLength || pair.Value.ValueKind != JsonValueKind.String || pair.Value.GetString()!.Length > MaxMetadataValueLength)
            {
                throw Invalid("metadata", Expected);
            }

            pairs[pair.Name] = pair.Value.GetString()!;
        }

        return pairs;
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new MaasException(ErrorKind.InvalidInput, "The request body must be a JSON object: {\"input_file_id\", \"endpoint\", \"completion_window\"}.");
            }

            return document;
        }
        catch (JsonException error)
        {
            throw new MaasException(ErrorKind.InvalidInput, string.Create(CultureInfo.InvariantCulture, $"The request body is not valid JSON (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1}); expected {{\"input_file_id\", \"endpoint\", \"completion_window\"}}."));
        }
    }

    private static MaasException Invalid(string field, string message) => new(ErrorKind.InvalidInput, message) { Field = field };

    private static MaasException Missing(string field) => Invalid(field, $"'{field}' is required.");
}
