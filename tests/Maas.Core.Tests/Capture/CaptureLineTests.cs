using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Maas.Core.Capture;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Tests.Capture;

/// <summary>A record as one JSON line with tensors nested by shape, in the simple API's spelling.</summary>
public sealed class CaptureLineTests
{
    [Fact]
    public void Write_Record_IsOneJsonLineWithNestedTensors()
    {
        var floats = MemoryMarshal.AsBytes(new[] { 1.5f, float.NaN, -2f, 0.25f }.AsSpan()).ToArray();
        var record = new CaptureRecord(
            new DateTimeOffset(2026, 11, 29, 13, 5, 0, TimeSpan.Zero),
            "req-1",
            "m",
            3,
            null,
            "ok",
            1.23456,
            [CapturedTensor.Copy("x", TensorElementType.Float, [2, 2], floats), CapturedTensor.Text("t", TensorElementType.String, [1], ["a\"b"])],
            [CapturedTensor.Copy("flag", TensorElementType.Bool, [], [1])],
            null);
        var output = new ArrayBufferWriter<byte>();

        CaptureLine.Write(record, output);

        var text = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Equal(1, text.Count(c => c == '\n'));
        using var line = JsonDocument.Parse(text);
        var root = line.RootElement;
        Assert.Equal("2026-11-29T13:05:00.0000000Z", root.GetProperty("time").GetString());
        Assert.Equal("req-1", root.GetProperty("requestId").GetString());
        Assert.Equal(3, root.GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("caller").ValueKind);
        Assert.Equal(1.235, root.GetProperty("latencyMs").GetDouble());
        Assert.Equal("""[[1.5,"NaN"],[-2,0.25]]""", root.GetProperty("inputs").GetProperty("x").GetRawText());
        Assert.Equal("a\"b", root.GetProperty("inputs").GetProperty("t")[0].GetString());
        Assert.True(root.GetProperty("outputs").GetProperty("flag").GetBoolean());
        Assert.False(root.TryGetProperty("omitted", out _));
    }

    [Fact]
    public void Write_RecordWithoutTensors_SaysWhy()
    {
        var record = new CaptureRecord(DateTimeOffset.UnixEpoch, "r", "m", 1, "c0ffee", "clientError", 0, null, null, "tensors left out: 10 bytes exceed maxPayloadBytes 5");
        var output = new ArrayBufferWriter<byte>();

        CaptureLine.Write(record, output);

        using var line = JsonDocument.Parse(output.WrittenMemory);
        Assert.False(line.RootElement.TryGetProperty("inputs", out _));
        Assert.False(line.RootElement.TryGetProperty("outputs", out _));
        Assert.Equal("clientError", line.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("c0ffee", line.RootElement.GetProperty("caller").GetString());
        Assert.StartsWith("tensors left out", line.RootElement.GetProperty("omitted").GetString(), StringComparison.Ordinal);
    }
}
