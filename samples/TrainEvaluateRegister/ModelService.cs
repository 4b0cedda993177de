using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace TrainEvaluateRegister;

/// <summary>
/// The two ways the sample talks to Maas.Functions: Blob Storage to drop a version (config.json, then evaluation.jsonl,
/// then model.onnx with its <c>sha256</c> metadata, so registration never sees a graph without its evaluation set),
/// and the HTTP API to wait for it and call it.
/// </summary>
public sealed class ModelService(BlobContainerClient models, HttpClient api, TimeSpan pollInterval, TimeSpan waitTimeout)
{
    /// <summary>The version after the highest one already in the container (1 for a new model).</summary>
    public async Task<long> NextVersionAsync(string model, CancellationToken cancellationToken)
    {
        long highest = 0;
        await foreach (var blob in models.GetBlobsAsync(BlobTraits.None, BlobStates.None, model + "/", cancellationToken))
        {
            var parts = blob.Name.Split('/');
            if (parts.Length == 3 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                highest = Math.Max(highest, version);
            }
        }

        return highest + 1;
    }

    /// <summary>
    /// Uploads one version: the model's config.json (only when it changed: a new config.json re-registers, and
    /// re-evaluates, every version), the version's evaluation set, then its graph.
    /// </summary>
    public async Task UploadAsync(string model, long version, string configJson, string evaluationJsonl, byte[] graph, CancellationToken cancellationToken)
    {
        await models.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var config = models.GetBlobClient($"{model}/config.json");
        if (!await config.ExistsAsync(cancellationToken) || (await config.DownloadContentAsync(cancellationToken)).Value.Content.ToString() != configJson)
        {
            await config.UploadAsync(BinaryData.FromString(configJson), overwrite: true, cancellationToken);
        }

        var folder = string.Create(CultureInfo.InvariantCulture, $"{model}/{version}/");
        await models.GetBlobClient(folder + "evaluation.jsonl").UploadAsync(BinaryData.FromString(evaluationJsonl), overwrite: true, cancellationToken);
        await models.GetBlobClient(folder + "model.onnx").UploadAsync(
            BinaryData.FromBytes(graph),
            new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(graph)) } },
            cancellationToken);
    }

    /// <summary>
    /// Polls <c>GET /models/{name}/versions/{v}</c> until the version is Ready and no longer awaiting evaluation (its view
    /// then), or Failed (an exception with the reason).
    /// </summary>
    public async Task<JsonNode> WaitUntilEvaluatedAsync(string model, long version, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + waitTimeout;
        while (true)
        {
            using var response = await api.GetAsync(string.Create(CultureInfo.InvariantCulture, $"models/{model}/versions/{version}"), cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var view = (await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken))!;
                var status = (string?)view["status"];
                if (status == "Failed")
                {
                    throw new InvalidOperationException($"Version {version} of {model} failed registration: {(string?)view["reason"]}");
                }

                if (status == "Ready" && (string?)view["promotion"]?["state"] != "awaiting evaluation")
                {
                    return view;
                }
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Version {version} of {model} was not registered and evaluated within {waitTimeout}; is the app running and watching the container?");
            }

            await Task.Delay(pollInterval, cancellationToken);
        }
    }

    /// <summary><c>GET /models/{name}/versions/{v}/evaluation</c>: the service's full evaluation report.</summary>
    public async Task<JsonNode> EvaluationReportAsync(string model, long version, CancellationToken cancellationToken)
        => (await api.GetFromJsonAsync<JsonNode>(string.Create(CultureInfo.InvariantCulture, $"models/{model}/versions/{version}/evaluation"), cancellationToken))!;

    /// <summary><c>GET /models/{name}</c>: the versions and the default one.</summary>
    public async Task<JsonNode> ModelAsync(string model, CancellationToken cancellationToken)
        => (await api.GetFromJsonAsync<JsonNode>($"models/{model}", cancellationToken))!;

    /// <summary>The simple API on the default version: <c>POST /models/{name}/predict</c> with one row of features.</summary>
    public async Task<JsonNode> PredictAsync(string model, float[] features, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["inputs"] = new JsonObject { ["Features"] = new JsonArray(new JsonArray([.. features.Select(f => JsonValue.Create(f))])) } };
        using var response = await api.PostAsJsonAsync($"models/{model}/predict", body, cancellationToken);
        var answer = (await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken))!;
        return response.IsSuccessStatusCode ? answer : throw new InvalidOperationException($"Prediction failed ({(int)response.StatusCode}): {answer.ToJsonString()}");
    }

    /// <summary>An HTTP client for the API at <paramref name="baseAddress"/>, with the bearer token of <c>MAAS_TOKEN</c> when set.</summary>
    public static HttpClient CreateApiClient(Uri baseAddress)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseAddress.ToString().TrimEnd('/') + "/") };
        if (Environment.GetEnvironmentVariable("MAAS_TOKEN") is { Length: > 0 } token)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
