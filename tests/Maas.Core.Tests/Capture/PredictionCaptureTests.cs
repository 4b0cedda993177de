using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Maas.Core.Capture;
using Maas.Core.Models;
using Maas.TestKit.Azurite;
using Maas.TestKit.Generation;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;
using Maas.TestKit.Serving;
using Maas.TestKit.Storage;

namespace Maas.Core.Tests.Capture;

/// <summary>
/// Capture end to end on Azurite: predictions through the data plane, records written by the capture writer, read back
/// from the captures container as JSON lines, and the raw bytes searched for anything a field's action should hide.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class PredictionCaptureTests(AzuriteFixture azurite)
{
    private const string HashKey = "test-capture-hash-key-0123456789abcdef";
    private const string Ssn = "123-45-6789";
    private const string Request = $$$"""{"inputs":{"ssn":[["{{{Ssn}}}"]],"age":[[8675309]],"income":[[98765.4375]],"member":[[true]]}}""";

    [Fact]
    public async Task Capture_EveryAction_WritesRecordsWithNothingRawForHashMaskOrDrop()
    {
        using var serving = Serving();
        var name = await serving.AddModelAsync(
            TestModels.PersonalRecord(),
            """{"capture":{"sampleRate":1,"fields":{"ssn":"hash","ssn_out":"mask","age":"mask","age_out":"drop","income":"drop","income_out":"drop","member_out":"hash"}}}""");

        await serving.PredictAsync(name, Request);
        await serving.CaptureWriter.FlushAsync(CancellationToken.None);

        var (bytes, lines) = await ReadCapturesAsync(serving, name);
        var record = Assert.Single(lines).RootElement;
        var inputs = record.GetProperty("inputs");
        var outputs = record.GetProperty("outputs");
        Assert.Equal(Deidentifier.Hash(Ssn, Encoding.UTF8.GetBytes(HashKey)), inputs.GetProperty("ssn")[0][0].GetString());
        Assert.Equal("*******6789", outputs.GetProperty("ssn_out")[0][0].GetString());
        Assert.Equal(0, inputs.GetProperty("age")[0][0].GetInt64());
        Assert.True(inputs.GetProperty("member")[0][0].GetBoolean());
        Assert.False(inputs.TryGetProperty("income", out _));
        Assert.False(outputs.TryGetProperty("age_out", out _));
        Assert.False(outputs.TryGetProperty("income_out", out _));
        Assert.Equal(64, outputs.GetProperty("member_out")[0][0].GetString()!.Length);
        Assert.Equal("ok", record.GetProperty("outcome").GetString());
        Assert.Equal(Deidentifier.Hash("anonymous", Encoding.UTF8.GetBytes(HashKey)), record.GetProperty("caller").GetString());
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain(Ssn, text, StringComparison.Ordinal);
        Assert.DoesNotContain("8675309", text, StringComparison.Ordinal);
        Assert.DoesNotContain("98765", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capture_GenerativeCall_RecordsThePromptAndTheCompletionWithTheirActions()
    {
        using var serving = Serving();
        var name = await serving.AddModelFolderAsync(
            TinyGpt2.Graph(),
            TinyGpt2.TokenizerFiles(),
            """{"generation": {"maxContextTokens": 128}, "capture": {"sampleRate": 1, "fields": {"prompt": "keep", "completion": "mask"}}}""");

        await serving.CompleteAsync($$"""{"model": "{{name}}", "prompt": "The quick brown fox", "max_tokens": 10}""", chat: false);
        await serving.CaptureWriter.FlushAsync(CancellationToken.None);

        var record = Assert.Single((await ReadCapturesAsync(serving, name)).Lines).RootElement;
        Assert.Equal("The quick brown fox", record.GetProperty("inputs").GetProperty("prompt")[0].GetString());
        var completion = record.GetProperty("outputs").GetProperty("completion")[0].GetString()!;
        Assert.Equal(Deidentifier.Mask(" jumps over the lazy dog. The model server loads"), completion);
    }

    [Fact]
    public async Task Capture_GenerativeModelNamingAGraphTensor_FailsRegistrationNamingPromptAndCompletion()
    {
        using var serving = Serving();
        var name = RegistryHarness.NewModelName();
        foreach (var (file, content) in TinyGpt2.TokenizerFiles())
        {
            await serving.Registry.UploadAsync($"{name}/1/{file}", content);
        }

        await serving.Registry.UploadAsync($"{name}/config.json", Encoding.UTF8.GetBytes("""{"generation": {}, "capture": {"sampleRate": 1, "fields": {"input_ids": "drop"}}}"""));
        await serving.Registry.UploadAndRegisterAsync($"{name}/1/model.onnx", TinyGpt2.Graph());

        var row = await serving.Registry.RowAsync(name, 1);
        Assert.Equal("config.json capture.fields names 'input_ids'; a generative model's calls are captured as 'prompt' and 'completion'.", row!.Reason);
    }

    [Fact]
    public async Task Capture_DefaultDropWithOneKeep_CapturesOnlyThatField()
    {
        using var serving = Serving();
        var name = await serving.AddModelAsync(TestModels.PersonalRecord(), """{"capture":{"sampleRate":1,"default":"drop","fields":{"age":"keep"}}}""");

        await serving.PredictAsync(name, Request);
        await serving.CaptureWriter.FlushAsync(CancellationToken.None);

        var record = Assert.Single((await ReadCapturesAsync(serving, name)).Lines).RootElement;
        Assert.Equal(["age"], record.GetProperty("inputs").EnumerateObject().Select(p => p.Name));
        Assert.Equal(8675309, record.GetProperty("inputs").GetProperty("age")[0][0].GetInt64());
        Assert.Empty(record.GetProperty("outputs").EnumerateObject());
    }

    [Fact]
    public async Task Capture_V2RequestIds_AreTheRecordsIds_AndAFailedCallIsCapturedWithItsOutcome()
    {
        using var serving = Serving();
        var name = await serving.AddModelAsync(TestModels.Linear(), """{"capture":{"sampleRate":1}}""");

        await serving.InferV2Async(name, Encoding.UTF8.GetBytes("""{"id":"call-1","inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"""));
        await Assert.ThrowsAsync<Errors.MaasException>(() => serving.InferV2Async(name, Encoding.UTF8.GetBytes("""{"id":"call-2","inputs":[{"name":"x","shape":[1,5],"datatype":"FP32","data":[1,2,3,4,5]}]}""")));
        await serving.CaptureWriter.FlushAsync(CancellationToken.None);

        var records = (await ReadCapturesAsync(serving, name)).Lines.Select(line => line.RootElement).OrderBy(r => r.GetProperty("requestId").GetString(), StringComparer.Ordinal).ToList();
        Assert.Equal(["call-1", "call-2"], records.Select(r => r.GetProperty("requestId").GetString()));
        Assert.Equal("ok", records[0].GetProperty("outcome").GetString());
        Assert.Equal("[[1,2,3,4]]", records[0].GetProperty("inputs").GetProperty("x").GetRawText());
        Assert.Equal(JsonValueKind.Array, records[0].GetProperty("outputs").GetProperty("y").ValueKind);
        Assert.Equal("clientError", records[1].GetProperty("outcome").GetString());
        Assert.False(records[1].TryGetProperty("outputs", out _));
    }

    [Fact]
    public async Task Capture_OverMaxPayloadBytes_KeepsTheMetadataAndSaysWhy()
    {
        using var serving = Serving();
        var name = await serving.AddModelAsync(TestModels.Linear(), """{"capture":{"sampleRate":1,"maxPayloadBytes":16}}""");

        await serving.InferV2Async(name, Encoding.UTF8.GetBytes("""{"inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}"""));
        await serving.CaptureWriter.FlushAsync(CancellationToken.None);

        var record = Assert.Single((await ReadCapturesAsync(serving, name)).Lines).RootElement;
        Assert.False(record.TryGetProperty("inputs", out _));
        Assert.Equal("tensors left out: 56 bytes exceed maxPayloadBytes 16", record.GetProperty("omitted").GetString());
    }

    [Fact]
    public async Task Capture_QueueFull_DropsAndCountsWithoutFailingPredictions()
    {
        using var serving = Serving(capacity: 2);
        var name = await serving.AddModelAsync(TestModels.Linear(), """{"capture":{"sampleRate":1}}""");
        var body = Encoding.UTF8.GetBytes("""{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""");
        var dropped = new List<bool>();

        for (var i = 0; i < 5; i++)
        {
            using var response = await serving.InferV2Async(name, body);
            dropped.Add(serving.LastMeasurement!.CaptureDropped);
        }

        Assert.Equal([false, false, true, true, true], dropped);
        Assert.Equal(3, serving.CaptureBuffer.DroppedCount);
        await serving.CaptureWriter.FlushAsync(CancellationToken.None);
        Assert.Equal(2, (await ReadCapturesAsync(serving, name)).Lines.Count);
    }

    [Fact]
    public async Task Flush_StorageFailing_KeepsTheRecordsAndWritesThemOnceStorageIsBack()
    {
        var faults = new StorageFaultPolicy { Mode = StorageFault.Unavailable };
        using var serving = Serving(faults: faults);
        var name = await serving.AddModelAsync(TestModels.Linear(), """{"capture":{"sampleRate":1}}""");
        var body = Encoding.UTF8.GetBytes("""{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""");
        for (var i = 0; i < 3; i++)
        {
            using var response = await serving.InferV2Async(name, body);
        }

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => serving.CaptureWriter.FlushAsync(CancellationToken.None));
        faults.Mode = StorageFault.None;
        await serving.CaptureWriter.FlushAsync(CancellationToken.None);

        Assert.Equal(3, (await ReadCapturesAsync(serving, name)).Lines.Count);
        Assert.Equal(0, serving.CaptureBuffer.DroppedCount);
    }

    [Fact]
    public async Task StopAsync_WritesWhatIsStillQueued()
    {
        using var serving = Serving(flushInterval: TimeSpan.FromMinutes(10));
        var name = await serving.AddModelAsync(TestModels.Linear(), """{"capture":{"sampleRate":1}}""");
        await serving.CaptureWriter.StartAsync(CancellationToken.None);
        var body = Encoding.UTF8.GetBytes("""{"input":[[1,2,3,4]]}""");

        using (await serving.RunAsync(serving.Simple, new Maas.Core.Protocol.WireRequest("application/json", body.Length, header => header == Maas.Core.Protocol.PredictionPipeline.RequestIdHeader ? "from-header" : null, new MemoryStream(body)), name, null))
        using (await serving.PredictAsync(name, """{"input":[[5,6,7,8]]}"""))
        {
        }

        await serving.CaptureWriter.StopAsync(CancellationToken.None);

        var records = (await ReadCapturesAsync(serving, name)).Lines.Select(line => line.RootElement).ToList();
        Assert.Equal(2, records.Count);
        Assert.Contains(records, r => r.GetProperty("requestId").GetString() == "from-header");
    }

    [Fact]
    public void Capture_HashKeyGoneSinceRegistration_DropsTheFieldInsteadOfKeepingIt()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new CaptureOptions { HashKey = null });
        var buffer = new CaptureBuffer(options);
        var capture = new PredictionCapture(buffer, options, TimeProvider.System, new Maas.TestKit.Logging.LogRecorder().CreateLogger<PredictionCapture>());
        var model = Maas.TestKit.Registry.ModelRecords.Ready(
            [TensorSignature.Tensor("ssn", Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.String, -1, 1)],
            [TensorSignature.Tensor("y", Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, -1, 1)]) with
        {
            Config = ModelConfig.Parse("""{"capture":{"sampleRate":1,"fields":{"ssn":"hash"}}}"""u8),
        };
        using var request = new Maas.Core.Inference.InferenceRequest("r1", [new Maas.Core.Inference.InputTensor("ssn", [1, 1], [Encoding.UTF8.GetBytes(Ssn)])], []);

        Assert.True(capture.Capture(model, request, null, "r1", "caller", Maas.Core.Monitoring.OutcomeClass.Ok, TimeSpan.Zero));

        Assert.True(buffer.Reader.TryRead(out var record));
        Assert.Empty(record.Inputs!);
        Assert.Null(record.Caller);
    }

    [Fact]
    public async Task Flush_RecordsOfPastHours_AreWrittenAndTheirBlobPositionsForgotten()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));
        var options = Microsoft.Extensions.Options.Options.Create(new CaptureOptions { ContainerName = AzuriteFixture.UniqueName("captures") });
        var buffer = new CaptureBuffer(options);
        var writer = new CaptureWriter(buffer, azurite.BlobService, options, new Maas.Core.Monitoring.MetricsInstance("clock"), new Maas.Core.Health.DependencyHealth(clock), clock, new Maas.TestKit.Logging.LogRecorder().CreateLogger<CaptureWriter>());
        CaptureRecord At(int hour) => new(new DateTimeOffset(2026, 11, 29, hour, 5, 0, TimeSpan.Zero), "r", "m", 1, null, "ok", 1, null, null, null);

        buffer.TryEnqueue(At(7));
        buffer.TryEnqueue(At(10));
        await writer.FlushAsync(CancellationToken.None);

        // 07:00-08:00 ended more than 2 hours before 10:15; 10:00 is current.
        Assert.Equal(1, writer.RememberedFolders);
        var names = new List<string>();
        await foreach (var blob in azurite.BlobService.GetBlobContainerClient(options.Value.ContainerName).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, null, CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        Assert.Equal(["m/1/2026/11/29/07/clock-0.jsonl", "m/1/2026/11/29/10/clock-0.jsonl"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Register_HashWithoutKey_OrAFieldTheGraphLacks_FailsNamingWhatToFix()
    {
        using var keyless = new ServingHarness(azurite);

        var hashed = await RegisterAsync(keyless, """{"capture":{"sampleRate":1,"fields":{"ssn":"hash"}}}""");
        var misspelt = await RegisterAsync(keyless, """{"capture":{"sampleRate":1,"fields":{"snn":"drop"}}}""");

        Assert.Equal(ModelStatus.Failed, hashed.Status);
        Assert.Contains("Capture:HashKey", hashed.Reason, StringComparison.Ordinal);
        Assert.Equal(ModelStatus.Failed, misspelt.Status);
        Assert.Contains("'snn'", misspelt.Reason, StringComparison.Ordinal);
        Assert.Contains("ssn, age, income, member", misspelt.Reason, StringComparison.Ordinal);
    }

    private ServingHarness Serving(int capacity = 100, StorageFaultPolicy? faults = null, TimeSpan? flushInterval = null)
        => new(
            azurite,
            capture: new CaptureOptions
            {
                ContainerName = AzuriteFixture.UniqueName("captures"),
                HashKey = HashKey,
                QueueCapacity = capacity,
                FlushInterval = flushInterval ?? new CaptureOptions().FlushInterval,
            },
            captureBlobFaults: faults);

    private static async Task<ModelVersionRecord> RegisterAsync(ServingHarness serving, string config)
    {
        var name = Maas.TestKit.Registry.RegistryHarness.NewModelName();
        await serving.Registry.UploadAsync($"{name}/config.json", Encoding.UTF8.GetBytes(config));
        await serving.Registry.UploadAndRegisterAsync($"{name}/1/model.onnx", TestModels.PersonalRecord());
        return (await serving.Registry.RowAsync(name, 1))!;
    }

    /// <summary>Every captured blob of the model, as raw bytes and parsed lines; every line must be valid JSON.</summary>
    private async Task<(byte[] Bytes, List<JsonDocument> Lines)> ReadCapturesAsync(ServingHarness serving, string model)
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(serving.CaptureOptions.ContainerName);
        var all = new List<byte>();
        var lines = new List<JsonDocument>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{model}/1/", CancellationToken.None))
        {
            Assert.Matches($@"^{model}/1/\d{{4}}/\d{{2}}/\d{{2}}/\d{{2}}/harness-0\.jsonl$", blob.Name);
            var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
            all.AddRange(content);
            lines.AddRange(Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line)));
        }

        return ([.. all], lines);
    }
}
