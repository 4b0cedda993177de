using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Maas.Core.Protocol;

namespace Maas.Core.Batch;

/// <summary>What one request line of a batch answered: its status code and JSON body, as an HTTP call would have.</summary>
public sealed record BatchLineOutcome(int StatusCode, byte[] Body)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>
/// A chunk's results as OpenAI's batch output lines, <c>{"id", "custom_id", "response": {"status_code", "request_id",
/// "body"}, "error"}</c>: lines answered 2xx in the output, the others in the errors. Ids derive from the batch and
/// the line, so a chunk run again writes the very same lines.
/// </summary>
public sealed class BatchResults : IDisposable
{
    private readonly PooledBufferWriter _output = new();
    private readonly PooledBufferWriter _errors = new();
    private readonly Utf8JsonWriter _outputJson;
    private readonly Utf8JsonWriter _errorsJson;

    public BatchResults()
    {
        _outputJson = new Utf8JsonWriter(_output);
        _errorsJson = new Utf8JsonWriter(_errors);
    }

    public int Completed { get; private set; }

    public int Failed { get; private set; }

    public ReadOnlyMemory<byte> Output => _output.WrittenMemory;

    public ReadOnlyMemory<byte> Errors => _errors.WrittenMemory;

    public void Add(string batchId, BatchLine line, BatchLineOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(outcome);
        var target = outcome.Succeeded ? _output : _errors;
        var json = outcome.Succeeded ? _outputJson : _errorsJson;
        var id = RequestIdOf(batchId, line.Line);
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("custom_id", line.CustomId);
        json.WriteStartObject("response");
        json.WriteNumber("status_code", outcome.StatusCode);
        json.WriteString("request_id", id);
        json.WritePropertyName("body");
        json.WriteRawValue(outcome.Body, skipInputValidation: true);
        json.WriteEndObject();
        json.WriteNull("error");
        json.WriteEndObject();
        json.Flush();
        json.Reset();

        target.GetSpan(1)[0] = (byte)'\n';
        target.Advance(1);
        if (outcome.Succeeded)
        {
            Completed++;
        }
        else
        {
            Failed++;
        }
    }

    /// <summary>The id of line <paramref name="line"/> of batch <paramref name="batchId"/>: <c>batch_req_</c> and 32 hex digits.</summary>
    public static string RequestIdOf(string batchId, int line)
        => "batch_req_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{batchId}:{line}")))[..32];

    public void Dispose()
    {
        _outputJson.Dispose();
        _errorsJson.Dispose();
        _output.Dispose();
        _errors.Dispose();
    }
}
