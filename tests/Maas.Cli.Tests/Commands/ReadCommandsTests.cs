using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;

namespace Maas.Cli.Tests.Commands;

/// <summary><c>maas ls</c> and <c>maas show</c>: tables for people, <c>--json</c> for scripts.</summary>
[Collection(UsesAzurite.Name)]
public sealed class ReadCommandsTests(AzuriteFixture azurite)
{
    private readonly string _name = AzuriteFixture.UniqueName("r");

    private async Task AddAsync(CliSession cli)
    {
        await cli.Serving.AddVersionAsync(_name, TestModels.Linear(), """{"labels": {"y": ["low", "mid", "high"]}, "example": {"input": [[1, 2, 3, 4]]}}""");
        await cli.Serving.Registry.UploadAndRegisterAsync($"{_name}/2/model.onnx", TestModels.Corrupt());
    }

    [Fact]
    public async Task Ls_Json_ParsesBackToEveryModelWithItsDefault()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);

        var result = await cli.RunAsync("ls", "--json");

        Assert.Equal(0, result.ExitCode);
        var model = Assert.Single(result.Json.AsArray());
        Assert.Equal((_name, 1L), ((string?)model!["name"], (long?)model["defaultVersion"]));
        Assert.Equal(1, (int)model["counts"]!["Failed"]!);
    }

    [Fact]
    public async Task Ls_Table_NamesTheModelAndItsCounts()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);

        var result = await cli.RunAsync("ls");

        Assert.Equal(0, result.ExitCode);
        var row = Assert.Single(result.Output.Split('\n'), line => line.Contains(_name, StringComparison.Ordinal));
        Assert.Equal(["1", "1", "1", "0"], row.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Skip(1));
    }

    [Fact]
    public async Task Show_Model_ListsVersionsWithStatusAndReason()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);

        var result = await cli.RunAsync("show", _name);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{_name}: default version 1", result.Output, StringComparison.Ordinal);
        Assert.Contains("Failed: model.onnx does not load", result.Output, StringComparison.Ordinal);
        Assert.Contains("│ default ", result.Output, StringComparison.Ordinal);
        Assert.Contains("│ not ready ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_Version_PrintsItsSignature()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);

        var result = (await cli.RunAsync("show", $"{_name}/1")).Succeeded();
        var json = (await cli.RunAsync("show", $"{_name}/1", "--json")).Succeeded();

        Assert.Contains("[-1,4]", result.Output, StringComparison.Ordinal);
        Assert.Contains("promotion: default", result.Output, StringComparison.Ordinal);
        Assert.Equal("x", (string?)json.Json["inputs"]![0]!["name"]);
    }

    [Fact]
    public async Task Show_UnknownModel_ExitsWithTheServicesMessage()
    {
        await using var cli = await CliSession.StartAsync(azurite);

        var result = await cli.RunAsync("show", "nobody");

        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains("GET /models/nobody answered 404: Model 'nobody' does not exist.", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("show", "Bad/Name")]
    [InlineData("rm", "fraud")]
    public async Task Commands_MalformedTarget_AreUsageErrorsNamingTheRule(string command, string target)
    {
        await using var cli = await CliSession.StartAsync(azurite);

        var result = command == "rm" ? await cli.RunAsync(command, target, "--yes") : await cli.RunAsync(command, target);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains($"'{target}' is not", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ls_AppUnreachable_SaysWhatToCheckWithoutAStackTrace()
    {
        await using var cli = await CliSession.StartAsync(azurite);

        var result = await cli.RunRawAsync(CancellationToken.None, "ls", "--api", "http://127.0.0.1:9");

        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains("Could not reach the API at http://127.0.0.1:9/", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ls_Verbose_ShowsTheExchange()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);

        var result = await cli.RunAsync("ls", "--verbose");

        Assert.Contains($"> GET {cli.App.BaseAddress}models", result.Error, StringComparison.Ordinal);
        Assert.Contains("< 200 OK", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_ConnectionWithoutSecret_SavedAndUsedByLaterCommands()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);

        var login = await cli.RunRawAsync(CancellationToken.None, "login", "--api", cli.App.BaseAddress.ToString(), "--storage", "UseDevelopmentStorage=true", "--container", "models");
        var ls = await cli.RunRawAsync(CancellationToken.None, "ls", "--json");

        Assert.Equal((0, 0), (login.ExitCode, ls.ExitCode));
        var saved = File.ReadAllText(cli.ProfilePath);
        Assert.Contains(cli.App.BaseAddress.ToString(), saved, StringComparison.Ordinal);
        Assert.Equal(_name, (string?)ls.Json[0]!["name"]);
    }

    [Fact]
    public async Task Login_StorageWithAnAccountKey_RefusedAndNothingSaved()
    {
        await using var cli = await CliSession.StartAsync(azurite);

        var result = await cli.RunRawAsync(CancellationToken.None, "login", "--storage", azurite.ConnectionString);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("carries a secret", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.ProfilePath));
    }

    [Fact]
    public async Task Rm_WithYes_DeletesTheVersionsBlobsAndReconciliationRemovesIt()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);

        var refused = await cli.RunAsync("rm", $"{_name}/1");
        var removed = await cli.RunAsync("rm", $"{_name}/1", "--yes");
        await cli.Serving.Registry.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("confirm with --yes", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, removed.ExitCode);
        Assert.Empty(await cli.Models.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{_name}/1/", CancellationToken.None).ToListAsync());
        Assert.Equal(Maas.Core.Models.ModelStatus.Removed, (await cli.Serving.Registry.RowAsync(_name, 1))!.Status);
    }

    [Fact]
    public async Task Metrics_AfterTraffic_TableHasASparklineAndJsonTheRollups()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);
        for (var i = 0; i < 3; i++)
        {
            using var response = await cli.Serving.PredictAsync(_name, """{"input": [[1, 2, 3, 4]]}""");
        }

        await cli.Serving.RollUpAsync(DateTimeOffset.UtcNow);

        var table = await cli.RunAsync("metrics", _name, "--since", "2h");
        var json = await cli.RunAsync("metrics", _name, "--json");

        Assert.Equal((0, 0), (table.ExitCode, json.ExitCode));
        Assert.Equal(3, json.Json["points"]!.AsArray().Sum(p => (long)p!["requests"]!));
        var requests = Assert.Single(table.Output.Split('\n'), line => line.Contains("requests", StringComparison.Ordinal));
        Assert.Contains("▁", requests, StringComparison.Ordinal);
        Assert.Contains(" 3 ", requests, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_ShiftedFeature_ListedFirstAndFlaggedWithTheApisFigures()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        cli.Serving.Monitoring.DriftOptions.MinimumValues = 100;
        await cli.Serving.AddVersionAsync(_name, TestModels.Identity(Onnx.TensorProto.Types.DataType.Float), """{"drift": {"sampleRate": 1, "features": "feature"}}""");
        await cli.Serving.Registry.UploadAndRegisterAsync($"{_name}/1/evaluation.jsonl", Maas.TestKit.Serving.EvaluationSets.TenRows());
        var rows = string.Join(", ", Enumerable.Range(1, 10).Select(i => $"[{i}, {i * 10 + 500}]"));
        for (var i = 0; i < 10; i++)
        {
            using var response = await cli.Serving.PredictAsync(_name, $"{{\"input\": [{rows}]}}");
        }

        await cli.Serving.RollUpAsync(DateTimeOffset.UtcNow);

        var table = await cli.RunAsync("drift", $"{_name}/1");
        var json = await cli.RunAsync("drift", _name, "--json");

        Assert.Equal((0, 0), (table.ExitCode, json.ExitCode));
        var psi = (double)json.Json["tensors"]![0]!["hours"]![0]!["features"]![1]!["psi"]!;
        var lines = table.Output.Split('\n').Where(line => line.Contains("put ", StringComparison.Ordinal)).ToList();
        // The second feature of input x and output y moved above every baseline value: flagged, listed first.
        Assert.StartsWith("input x[1]", lines[0].Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[0], StringComparison.Ordinal);
        Assert.Contains(Maas.Cli.Output.Format.Number(psi), lines[0], StringComparison.Ordinal);
        Assert.EndsWith("1", lines[0].Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
        Assert.Equal(["input x[1]", "output y[1]", "input x[0]", "output y[0]"], lines.Select(line => line.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[0]).Take(2).Concat(lines.Skip(2).Select(line => line.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[0]).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Drift_ModelWithoutDrift_SaysSo()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);
        await cli.Serving.RollUpAsync(DateTimeOffset.UtcNow);

        var result = await cli.RunAsync("drift", _name);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"{_name}/1: no drift configured", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollout_RolledBackCanary_ShowsTheStateTheFiguresInRedAndTheDecision()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await cli.Serving.AddVersionAsync(_name, TestModels.Linear());
        await cli.Serving.AddVersionAsync(_name, TestModels.Linear(), """{"rollout": {"canary": {"version": 2, "percent": 100}, "gates": {"p95Ms": {"max": 0.001}}}}""", version: 2);
        for (var i = 0; i < 5; i++)
        {
            using var response = await cli.Serving.PredictAsync(_name, """{"input": [[1, 2, 3, 4]]}""");
        }

        await cli.Serving.RollUpAsync(DateTimeOffset.UtcNow);

        var table = await cli.RunAsync("rollout", _name);
        var json = await cli.RunAsync("rollout", _name, "--json");

        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Equal("rolled back", (string?)json.Json["state"]);
        Assert.StartsWith($"{_name}: rollout rolled back; default version 1", table.Output, StringComparison.Ordinal);
        var canary = Assert.Single(table.Output.Split('\n'), line => line.Contains("canary", StringComparison.Ordinal) && line.Contains('│'));
        Assert.Contains(" 5 ", canary, StringComparison.Ordinal);
        Assert.Contains("rolled back: p95Ms", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollout_ModelWithout_IsNotFoundNamingConfigJson()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);

        var result = await cli.RunAsync("rollout", _name);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("config.json has no 'rollout'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_BadSince_IsAUsageError()
    {
        await using var cli = await CliSession.StartAsync(azurite);

        var result = await cli.RunAsync("metrics", _name, "--since", "soon");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--since 'soon' is not a duration; expected e.g. 30m, 1h or 2d.", result.Error, StringComparison.Ordinal);
    }
}
