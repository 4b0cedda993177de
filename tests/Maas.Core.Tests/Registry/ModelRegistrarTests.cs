using System.Security.Cryptography;
using System.Text;
using Maas.Core.Models;
using Maas.Core.Registry;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;
using Maas.TestKit.Serving;
using Maas.TestKit.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Tests.Registry;

[Collection(UsesAzurite.Name)]
public sealed class ModelRegistrarTests(AzuriteFixture azurite)
{
    private readonly RegistryHarness _registry = new(azurite);
    private readonly string _name = RegistryHarness.NewModelName();

    [Fact]
    public async Task Register_ValidGraph_IsReadyWithSignatureShaAndProvenance()
    {
        var model = TestModels.Linear();

        var outcome = await _registry.UploadAndRegisterAsync($"{_name}/3/model.onnx", model);

        Assert.Equal(RegistrationOutcome.Ready, outcome);
        var row = await _registry.RowAsync(_name, 3);
        Assert.NotNull(row);
        Assert.Equal(ModelStatus.Ready, row.Status);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(model)), row.Sha256);
        Assert.Equal(model.Length, row.SizeBytes);
        Assert.Equal($"{_name}/3/model.onnx", row.BlobPath);
        Assert.Equal(OnnxModelBuilder.DefaultOpset, row.Opset);
        Assert.Equal(OnnxModelBuilder.Producer, row.Producer);
        var input = Assert.Single(row.Inputs);
        Assert.Equal(("x", TensorKind.Tensor, TensorElementType.Float), (input.Name, input.Kind, input.ElementType));
        Assert.Equal([-1L, 4L], input.Shape);
        Assert.Equal([-1L, 3L], Assert.Single(row.Outputs).Shape);
        Assert.Equal(TensorElementType.Float, row.Outputs[0].ElementType);
    }

    /// <summary>Silero VAD refuses the generated example (zeros, variable dimensions as 1): the row says so and a warning names config.json example.</summary>
    [Fact]
    public async Task Register_GraphRefusesTheGeneratedExample_RecordsWhyAndWarnsNamingConfigExample()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", RealModels.SileroVad());

        var row = (await _registry.RowAsync(_name, 1))!;

        Assert.Equal(ModelStatus.Ready, row.Status);
        Assert.False(row.ExampleRuns);
        Assert.StartsWith("[ErrorCode:", row.ExampleProblem, StringComparison.Ordinal);
        Assert.Contains(_registry.Logs.Entries, e => e.Level == LogLevel.Warning
            && e.Message.Contains($"Model {_name} version 1: the graph refuses the generated example", StringComparison.Ordinal)
            && e.Message.Contains("set config.json 'example'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("""{"example":{"input":[[1,2,3,4]]}}""", null)]
    public async Task Register_GeneratedExample_RunsOnAGraphThatTakesItAndIsNotTriedWhenConfigGivesOne(string? config, bool? expected)
    {
        if (config is not null)
        {
            await _registry.UploadAsync($"{_name}/config.json", Encoding.UTF8.GetBytes(config));
        }

        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());

        var row = (await _registry.RowAsync(_name, 1))!;
        Assert.Equal(expected, row.ExampleRuns);
        Assert.Empty(row.ExampleProblem);
    }

    [Fact]
    public async Task Register_ShapeOnlyOptimisationResolves_RecordsWhatTheServingSessionReports()
    {
        using var serving = new ServingHarness(azurite);
        var name = RegistryHarness.NewModelName();

        var row = await serving.AddVersionAsync(name, TestModels.FoldedReshape());
        using var lease = await serving.Sessions.AcquireAsync(row, CancellationToken.None);

        // Unoptimised, ONNX Runtime reports y as [-1,-1]; the serving options fold the shape into [-1,6].
        Assert.Equal([-1L, 6L], Assert.Single(row.Outputs).Shape);
        Assert.Equal(lease.Session.OutputMetadata["y"].Dimensions.Select(d => (long)d), row.Outputs[0].Shape);
    }

    [Fact]
    public async Task Register_StringAndInt64Models_RecordTheirElementTypes()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.StringIdentity());
        await _registry.UploadAndRegisterAsync($"{_name}/2/model.onnx", TestModels.Int64Scale());

        Assert.Equal(TensorElementType.String, (await _registry.RowAsync(_name, 1))!.Inputs[0].ElementType);
        Assert.Equal(TensorElementType.Int64, (await _registry.RowAsync(_name, 2))!.Outputs[0].ElementType);
    }

    [Fact]
    public async Task Register_SameBytesAgain_IsIdempotentAndMarksSeen()
    {
        var blob = await _registry.UploadAsync($"{_name}/1/model.onnx", TestModels.Linear());
        await _registry.RegisterAsync(blob, blob.Name);
        var first = await _registry.RowAsync(_name, 1);

        var outcome = await _registry.RegisterAsync(blob, blob.Name);

        var second = await _registry.RowAsync(_name, 1);
        Assert.Equal(RegistrationOutcome.Unchanged, outcome);
        Assert.Equal(1, await _registry.RowCountAsync());
        Assert.Equal(first!.Sha256, second!.Sha256);
        Assert.Equal(first.RegisteredAt, second.RegisteredAt);
        Assert.Equal(first.UpdatedAt, second.UpdatedAt);
        Assert.True(second.LastSeenAt >= first.LastSeenAt);
    }

    [Fact]
    public async Task Register_DifferentBytesForSameVersion_UpdatesShaInPlace()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());
        var before = await _registry.RowAsync(_name, 1);

        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.LinearFixedBatch());

        var after = await _registry.RowAsync(_name, 1);
        Assert.NotEqual(before!.Sha256, after!.Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(TestModels.LinearFixedBatch())), after.Sha256);
        Assert.Equal([1L, 4L], after.Inputs[0].Shape);
        Assert.Equal(1, await _registry.RowCountAsync());
    }

    [Fact]
    public async Task Register_CorruptFile_IsFailedWithLoadReasonWithoutThrowing()
    {
        var outcome = await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Corrupt());

        Assert.Equal(RegistrationOutcome.Failed, outcome);
        var row = await _registry.RowAsync(_name, 1);
        Assert.Equal(ModelStatus.Failed, row!.Status);
        Assert.StartsWith("model.onnx does not load in ONNX Runtime:", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_NonOnnxFile_IsFailed()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", Encoding.UTF8.GetBytes("this is a text file, not a model"));

        var row = await _registry.RowAsync(_name, 1);
        Assert.Equal(ModelStatus.Failed, row!.Status);
        Assert.Contains("does not load", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_ModelOverMaxModelBytes_IsFailedNamingTheLimit()
    {
        var small = new RegistryHarness(azurite, options => options.MaxModelBytes = 64);

        await small.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());

        var row = await small.RowAsync(_name, 1);
        Assert.Equal(ModelStatus.Failed, row!.Status);
        Assert.Contains("Registry:MaxModelBytes allows at most 64", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_Sha256MetadataMismatch_IsFailed_AndMatchIsReady()
    {
        var model = TestModels.Linear();

        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", model, new Dictionary<string, string> { ["sha256"] = new string('0', 64) });
        await _registry.UploadAndRegisterAsync($"{_name}/2/model.onnx", model, new Dictionary<string, string> { ["sha256"] = Convert.ToHexString(SHA256.HashData(model)) });

        var mismatch = await _registry.RowAsync(_name, 1);
        Assert.Equal(ModelStatus.Failed, mismatch!.Status);
        Assert.Contains("blob metadata sha256 says " + new string('0', 64), mismatch.Reason, StringComparison.Ordinal);
        Assert.Equal(ModelStatus.Ready, (await _registry.RowAsync(_name, 2))!.Status);
    }

    [Theory]
    [InlineData("Fraud/3/model.onnx")]
    [InlineData("fraud/v3/model.onnx")]
    [InlineData("fraud/model.onnx")]
    public async Task Register_BadPath_IsIgnoredWithOneWarningAndNothingWritten(string path)
    {
        var outcome = await _registry.UploadAndRegisterAsync(path, TestModels.Linear());

        Assert.Equal(RegistrationOutcome.Ignored, outcome);
        Assert.Equal(0, await _registry.RowCountAsync());
        var warning = Assert.Single(_registry.Logs.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Equal(path, warning.Values["BlobPath"]);
    }

    [Fact]
    public async Task Register_TraversalPath_IsIgnoredNamingTheRule()
    {
        var outcome = await _registry.RegisterAsync(_registry.Container.GetBlobClient("x"), "../x");

        Assert.Equal(RegistrationOutcome.Ignored, outcome);
        Assert.Equal(ModelBlobPath.NameRule, Assert.Single(_registry.Logs.Entries).Values["Rule"]);
    }

    [Fact]
    public async Task Register_ExternalData_FailsNamingMissingFileThenReadyWhenItArrives()
    {
        var builder = TestModels.LinearWithExternalWeights();
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", builder.ToBytes());
        var waiting = await _registry.RowAsync(_name, 1);

        var (location, bytes) = Assert.Single(builder.ExternalFiles);
        var outcome = await _registry.UploadAndRegisterAsync($"{_name}/1/{location}", bytes);

        Assert.Equal(ModelStatus.Failed, waiting!.Status);
        Assert.Contains(location, waiting.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), waiting.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Environment.CurrentDirectory, waiting.Reason, StringComparison.Ordinal);
        Assert.Equal(RegistrationOutcome.Ready, outcome);
        Assert.Equal(ModelStatus.Ready, (await _registry.RowAsync(_name, 1))!.Status);
    }

    [Fact]
    public async Task Register_Model_LeavesNoTempFolderBehind()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());
        await _registry.UploadAndRegisterAsync($"{_name}/2/model.onnx", TestModels.Corrupt());

        Assert.Empty(Directory.GetDirectories(Path.GetTempPath(), VersionExaminer.TempFolderPrefix(_name, 1) + "*"));
        Assert.Empty(Directory.GetDirectories(Path.GetTempPath(), VersionExaminer.TempFolderPrefix(_name, 2) + "*"));
    }

    [Fact]
    public async Task Register_ConfigJson_AppliesToEveryVersion()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());
        await _registry.UploadAndRegisterAsync($"{_name}/2/model.onnx", TestModels.Linear());
        var config = """
            {"description":"fraud scorer","defaultVersion":1,"maxBatchSize":8,
             "dynamicBatching":{"maxQueueDelayMs":5,"preferredBatchSizes":[4,8]},
             "executionProvider":"auto","requiredRoles":["Fraud.Score"],"warmup":true,
             "labels":{"y":["a","b","c"]}}
            """;

        var outcome = await _registry.UploadAndRegisterAsync($"{_name}/config.json", Encoding.UTF8.GetBytes(config));

        Assert.Equal(RegistrationOutcome.ConfigApplied, outcome);
        foreach (var version in new long[] { 1, 2 })
        {
            var row = await _registry.RowAsync(_name, version);
            Assert.Equal(ModelStatus.Ready, row!.Status);
            Assert.Equal("fraud scorer", row.Config.Description);
            Assert.Equal(1, row.Config.DefaultVersion);
            Assert.Equal(8, row.Config.MaxBatchSize);
            Assert.Equal([4, 8], row.Config.DynamicBatching!.PreferredBatchSizes);
            Assert.Equal(ExecutionProviderChoice.Auto, row.Config.ExecutionProvider);
            Assert.Equal(["Fraud.Score"], row.Config.RequiredRoles);
            Assert.True(row.Config.Warmup);
            Assert.Equal(["a", "b", "c"], row.Config.Labels["y"]);
        }
    }

    [Theory]
    [InlineData("{\"executionProvider\":\"tpu\"}", "executionProvider")]
    [InlineData("{\"maxBatchSize\":\"eight\"}", "maxBatchSize")]
    [InlineData("{\"colour\":\"red\"}", "colour")]
    [InlineData("{\"dynamicBatching\":{\"maxQueueDelay\":5}}", "dynamicBatching.maxQueueDelay")]
    [InlineData("{\"defaultVersion\":0}", "defaultVersion")]
    [InlineData("{not json", "not valid JSON")]
    public async Task Register_MalformedConfig_IsFailedNamingTheField(string config, string named)
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());

        await _registry.UploadAndRegisterAsync($"{_name}/config.json", Encoding.UTF8.GetBytes(config));

        var row = await _registry.RowAsync(_name, 1);
        Assert.Equal(ModelStatus.Failed, row!.Status);
        Assert.Contains(named, row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_FileBesideMissingGraph_WritesNothing()
    {
        var outcome = await _registry.UploadAndRegisterAsync($"{_name}/1/weights.bin", [1, 2, 3]);

        Assert.Equal(RegistrationOutcome.NoGraph, outcome);
        Assert.Equal(0, await _registry.RowCountAsync());
    }

    [Fact]
    public async Task Register_ConcurrentlyFromParallelTasks_EndsInOneConsistentRow()
    {
        var blob = await _registry.UploadAsync($"{_name}/1/model.onnx", TestModels.Linear());

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _registry.RegisterAsync(blob, blob.Name))));

        Assert.All(outcomes, outcome => Assert.Contains(outcome, new[] { RegistrationOutcome.Ready, RegistrationOutcome.Unchanged }));
        Assert.Equal(1, await _registry.RowCountAsync());
        Assert.Equal(ModelStatus.Ready, (await _registry.RowAsync(_name, 1))!.Status);
    }
}

[Collection(UsesAzurite.Name)]
public sealed class ModelRegistrarStorageFaultTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Register_TableWritesFailMidRegistration_ThrowsForHostRetryThenEndsReady()
    {
        var outage = new StorageFaultPolicy { Mode = StorageFault.None, Applies = StorageFaultPolicy.Writes };
        var registry = new RegistryHarness(azurite, tableFaults: outage);
        var name = RegistryHarness.NewModelName();
        var blob = await registry.UploadAsync($"{name}/1/model.onnx", TestModels.Linear());
        await registry.Table.CreateIfNotExistsAsync();
        outage.Mode = StorageFault.Unavailable;

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => registry.RegisterAsync(blob, blob.Name));

        Assert.True(outage.Injected > 0);
        outage.Mode = StorageFault.None;
        Assert.Equal(0, await registry.RowCountAsync());
        Assert.Equal(RegistrationOutcome.Ready, await registry.RegisterAsync(blob, blob.Name));
        Assert.Equal(1, await registry.RowCountAsync());
    }

    [Theory]
    [InlineData("listing the version folder", "comp=list")]
    [InlineData("reading config.json", "config.json")]
    [InlineData("downloading model.onnx", "/1/model.onnx")]
    public async Task Register_BlobReadFailsAtAStep_WritesNothingLogsTheBlobAndEndsReadyOnRetry(string step, string request)
    {
        var outage = new StorageFaultPolicy { Mode = StorageFault.None };
        var registry = new RegistryHarness(azurite, blobFaults: outage);
        var name = RegistryHarness.NewModelName();
        await registry.UploadAsync($"{name}/config.json", "{\"description\":\"fine\"}"u8.ToArray());
        var blob = await registry.UploadAsync($"{name}/1/model.onnx", TestModels.Linear());
        (outage.Mode, outage.Applies) = (StorageFault.ConnectionRefused, r => StorageFaultPolicy.Reads(r) && StorageFaultPolicy.PathContains(request)(r));

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => registry.RegisterAsync(blob, blob.Name));

        Assert.True(outage.Injected > 0, step);
        Assert.Equal(0, await registry.RowCountAsync());
        Assert.Single(registry.Logs.Entries, e => e.Message.Contains($"Registration of blob {blob.Name} hit a storage fault", StringComparison.Ordinal));
        outage.Mode = StorageFault.None;
        Assert.Equal(RegistrationOutcome.Ready, await registry.RegisterAsync(blob, blob.Name));
        Assert.Equal(ModelStatus.Ready, (await registry.RowAsync(name, 1))!.Status);
    }
}
