using System.Security.Cryptography;
using System.Text;
using Maas.Core.Registry;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;

namespace Maas.Cli.Tests.Commands;

[Collection(UsesAzurite.Name)]
public sealed class PushCommandTests(AzuriteFixture azurite)
{
    private const string Wait = "0.05";
    private const string GatedConfig = """{"labels": {"label": ["cat", "dog", "fox"]}, "evaluation": {"task": "classification", "output": "label", "gates": {"accuracy": {"min": 0.75}}}}""";

    /// <summary>Two rows the argmax classifier gets right (classes 0 and 1) and, when <paramref name="wrong"/>, two it gets wrong.</summary>
    private static byte[] EvaluationSet(int wrong = 0)
    {
        var lines = new List<string> { """{"input": [[0.7, 0.2, 0.1], [0.2, 0.7, 0.1]], "expected": {"label": [0, 1]}}""" };
        lines.AddRange(Enumerable.Repeat("""{"input": [[0.1, 0.2, 0.7]], "expected": {"label": ["cat"]}}""", wrong));
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    private static readonly string Name = AzuriteFixture.UniqueName("p");

    [Fact]
    public async Task Push_FolderWithConfigAndEvaluation_UploadsGraphLastWithItsHashAndReportsTheDefault()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        var graph = TestModels.ArgMaxClassifier();
        var folder = cli.Folder(("model.onnx", graph), ("evaluation.jsonl", EvaluationSet()), ("config.json", Encoding.UTF8.GetBytes(GatedConfig)));

        var result = await cli.RunAsync("push", folder, "--name", Name, "--json", "--poll-seconds", Wait);

        Assert.Equal(0, result.ExitCode);
        var view = result.Json;
        Assert.Equal(("Ready", 1L, "default"), ((string?)view["status"], (long?)view["version"], (string?)view["promotion"]!["state"]));
        Assert.Equal(1.0, (double)view["evaluation"]!["metrics"]!["accuracy"]!);
        var puts = cli.Requests.Seen.Where(r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.Contains(Name, StringComparison.Ordinal)).Select(r => r[(r.LastIndexOf('/') + 1)..]).ToList();
        // model.onnx is staged in blocks and committed last: nothing of the version is visible as a graph before.
        Assert.Equal(["config.json", "evaluation.jsonl", "model.onnx"], puts.Distinct());
        Assert.Equal("model.onnx", puts[^1]);
        var properties = await cli.Models.GetBlobClient($"{Name}/1/model.onnx").GetPropertiesAsync();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(graph)), properties.Value.Metadata["sha256"]);
        Assert.Contains("evaluation.jsonl: 1 lines fit the graph", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_TableOutput_ShowsMetricsGateAndPromotion()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        var folder = cli.Folder(("model.onnx", TestModels.ArgMaxClassifier()), ("evaluation.jsonl", EvaluationSet()), ("config.json", Encoding.UTF8.GetBytes(GatedConfig)));

        var result = await cli.RunAsync("push", folder, "--name", Name, "--poll-seconds", Wait);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{Name}/1: Ready", result.Output, StringComparison.Ordinal);
        Assert.Contains("accuracy", result.Output, StringComparison.Ordinal);
        Assert.Contains("min 0.75", result.Output, StringComparison.Ordinal);
        Assert.Contains("promotion: default", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", result.Output, StringComparison.Ordinal); // redirected output: no ANSI escapes
    }

    [Fact]
    public async Task Push_EvaluationFailsItsGate_ExitsWithRejectedAndSaysWhy()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        var folder = cli.Folder(("model.onnx", TestModels.ArgMaxClassifier()), ("evaluation.jsonl", EvaluationSet(wrong: 2)), ("config.json", Encoding.UTF8.GetBytes(GatedConfig)));

        var result = await cli.RunAsync("push", folder, "--name", Name, "--poll-seconds", Wait);

        Assert.Equal(ExitCodes.PromotionRejected, result.ExitCode);
        Assert.Contains("promotion: rejected accuracy 0.5 < min 0.75", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_ServiceMarksItFailed_ExitsWithRegistrationFailedAndTheReason()
    {
        await using var cli = await CliSession.StartAsync(azurite, registry: options => options.MaxModelBytes = 10);

        var result = await cli.RunAsync("push", cli.Folder(("model.onnx", TestModels.Linear())), "--name", Name, "--poll-seconds", Wait);

        Assert.Equal(ExitCodes.RegistrationFailed, result.ExitCode);
        Assert.Contains("Failed: model.onnx is", result.Output, StringComparison.Ordinal);
        Assert.Contains("Registry:MaxModelBytes allows at most 10", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_CorruptGraph_RefusedLocallyBeforeAnyUpload()
    {
        await using var cli = await CliSession.StartAsync(azurite);

        var result = await cli.RunAsync("push", cli.Folder(("model.onnx", TestModels.Corrupt())), "--name", Name);

        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains("does not load in ONNX Runtime, so the service would mark it Failed; nothing was uploaded", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, cli.Requests.Requests);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"input\": [[0.7, 0.2]], \"expected\": {\"label\": [0]}}", "evaluation.jsonl line 1 input 'x' has shape [1,2]; the model takes [-1,3] (-1: any size). Nothing was uploaded.")]
    [InlineData("{\"input\": [[0.7, 0.2, 0.1]], \"expected\": {\"probs\": [0]}}", "evaluation.jsonl line 1 expects output 'probs', which the model does not have; its outputs are scores, label. Nothing was uploaded.")]
    public async Task Push_EvaluationSetDoesNotFitTheGraph_RefusedNamingTheLine(string line, string expected)
    {
        await using var cli = await CliSession.StartAsync(azurite);
        var folder = cli.Folder(("model.onnx", TestModels.ArgMaxClassifier()), ("evaluation.jsonl", Encoding.UTF8.GetBytes(line)));

        var result = await cli.RunAsync("push", folder, "--name", Name);

        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Equal(0, cli.Requests.Requests);
    }

    [Fact]
    public async Task Push_InvalidConfig_RefusedWithTheServicesMessage()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        var folder = cli.Folder(("model.onnx", TestModels.Linear()), ("config.json", Encoding.UTF8.GetBytes("""{"warmup": "yes"}""")));

        var result = await cli.RunAsync("push", folder, "--name", Name);

        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains("config.json field 'warmup' must be true or false. Nothing was uploaded.", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, cli.Requests.Requests);
    }

    [Theory]
    [InlineData("/evaluation.jsonl", "")]
    [InlineData("/model.onnx", "comp=block")]
    public async Task Push_CancelledMidUpload_LeavesNoVersionAndNoFiles(string cancelAfterPutOf, string query)
    {
        await using var cli = await CliSession.StartAsync(azurite);
        using var cancellation = new CancellationTokenSource();
        cli.Requests.After = request => request.Method == Azure.Core.RequestMethod.Put && request.Uri.Path.EndsWith(cancelAfterPutOf, StringComparison.Ordinal) && request.Uri.Query.Contains(query, StringComparison.Ordinal);
        cli.Requests.Then = () => cancellation.CancelAsync();
        var folder = cli.Folder(("model.onnx", TestModels.ArgMaxClassifier()), ("evaluation.jsonl", EvaluationSet()), ("weights.bin", new byte[1024]));

        var result = await cli.RunAsync(cancellation.Token, "push", folder, "--name", Name, "--version", "1");
        await cli.Serving.Registry.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
        Assert.Empty(await cli.Models.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{Name}/", CancellationToken.None).ToListAsync());
        Assert.Null(await cli.Serving.Registry.RowAsync(Name, 1));
    }

    [Fact]
    public async Task Push_NextTwice_CreatesConsecutiveVersionsAndRefusesAnExistingOne()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        var folder = cli.Folder(("model.onnx", TestModels.Linear()));

        var first = await cli.RunAsync("push", folder, "--name", Name, "--no-wait");
        var second = await cli.RunAsync("push", folder, "--name", Name, "--next", "--no-wait");
        var again = await cli.RunAsync("push", folder, "--name", Name, "--version", "2");

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        Assert.Contains($"uploaded {Name}/1", first.Error, StringComparison.Ordinal);
        Assert.Contains($"uploaded {Name}/2", second.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, again.ExitCode);
        Assert.Contains($"{Name} version 2 already exists; push with --next, or remove it first (maas rm {Name}/2).", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_ContainerDoesNotExistYet_CreatesItWithVersionOne()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        var container = AzuriteFixture.UniqueName("fresh");

        var result = await cli.RunRawAsync(CancellationToken.None, "push", cli.Folder(("model.onnx", TestModels.Linear())), "--name", Name, "--no-wait", "--storage", azurite.ConnectionString, "--container", container);

        Assert.Equal(0, result.Succeeded().ExitCode);
        Assert.Contains($"uploaded {Name}/1 ", result.Error, StringComparison.Ordinal);
        Assert.True(await azurite.BlobService.GetBlobContainerClient(container).GetBlobClient($"{Name}/1/model.onnx").ExistsAsync());
    }

    [Theory]
    [InlineData("Bad_Name", null, "--name 'Bad_Name' breaks the rule")]
    [InlineData("ok", "0", "--version 0: version must be a positive integer")]
    [InlineData("ok", "1 --next", "--version and --next exclude each other")]
    public async Task Push_InvalidNameOrVersion_RefusedWithTheRule(string name, string? version, string expected)
    {
        await using var cli = await CliSession.StartAsync(azurite);
        string[] versionArgs = version is null ? [] : ["--version", .. version.Split(' ')];

        var result = await cli.RunAsync(["push", cli.Folder(("model.onnx", TestModels.Linear())), "--name", name, .. versionArgs]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_ConfigAsksForEvaluationAndNoSetIsPushed_VersionAwaitsEvaluation()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        var folder = cli.Folder(("model.onnx", TestModels.ArgMaxClassifier()), ("config.json", Encoding.UTF8.GetBytes(GatedConfig)));

        var result = await cli.RunAsync("push", folder, "--name", Name, "--json", "--poll-seconds", Wait);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("the version will await evaluation", result.Error, StringComparison.Ordinal);
        Assert.Equal(PromotionPolicy.AwaitingEvaluation, (string?)result.Json["promotion"]!["state"]);
    }
}
