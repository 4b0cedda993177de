using System.Runtime.CompilerServices;
using Maas.Core.Errors;
using Maas.Core.Generation;
using Maas.Core.Models;
using Maas.Core.Registry;
using Maas.Core.Serving;
using Microsoft.Extensions.Options;

namespace Maas.Core.Protocol.OpenAI;

/// <summary>
/// The OpenAI-compatible API, one direction: read and decode the body (protocol), resolve the model for the caller
/// (data plane: roles, 404), generate or embed (<see cref="TextGenerator"/>, <see cref="Embedder"/>), encode OpenAI's
/// shapes. Wire types stay here; the data plane sees prompts, sampling parameters and token ids.
/// </summary>
public sealed class OpenAiService(InferenceService inference, ModelResolver resolver, TextGenerator generator, Embedder embedder, IOptions<LimitsOptions> limits, TimeProvider clock)
{
    public async Task<GenerationResponse> CompleteAsync(WireRequest request, bool chat, Caller caller, PredictionMeasurement measurement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        CompletionCall call;
        using (var body = await RequestBody.ReadAsync(request, limits.Value.MaxRequestBytes, cancellationToken, MediaTypes.Json))
        {
            measurement.BytesIn = body.WrittenCount;
            call = chat ? OpenAiRequests.ReadChat(body.WrittenMemory.Span) : OpenAiRequests.ReadCompletion(body.WrittenMemory.Span);
        }

        var model = await ResolveAsync(call.Model, caller, measurement, cancellationToken);
        TextGenerator.RequireTask(model, GenerationTask.TextGeneration);
        var runs = new List<GenerationRun>(call.Prompts.Count);
        var submittedAt = measurement.Elapsed;
        try
        {
            foreach (var prompt in call.Prompts)
            {
                runs.Add(await generator.StartAsync(model, prompt, call.Options, cancellationToken));
            }

            measurement.BatchSize = runs.Count;
            var id = OpenAiResponses.NewId(chat);
            var created = clock.GetUtcNow().ToUnixTimeSeconds();
            var name = OpenAiModelId.Of(model.Name, model.Version);
            if (call.Stream)
            {
                return new GenerationResponse(model, null, StreamAsync(runs, id, created, name, call, caller, measurement, submittedAt, cancellationToken), runs);
            }

            var choices = new List<CompletionChoice>(runs.Count);
            foreach (var run in runs)
            {
                var outcome = await run.Sequence.Completion.WaitAsync(cancellationToken);
                choices.Add(new CompletionChoice(outcome.Text, outcome.FinishReason));
            }

            GenerationResponse.Meter(measurement, runs, submittedAt);
            GenerationResponse.Observe(inference, runs, requestId: null, caller, measurement);
            var output = new PooledBufferWriter();
            OpenAiResponses.WriteCompletion(output, id, created, name, chat, choices, UsageOf(runs));
            measurement.BytesOut = output.WrittenCount;
            return new GenerationResponse(model, new EncodedResponse(output, MediaTypes.Json), null, runs);
        }
        catch
        {
            foreach (var run in runs)
            {
                run.Dispose();
            }

            throw;
        }
    }

    public async Task<EncodedResponse> EmbedAsync(WireRequest request, Caller caller, PredictionMeasurement measurement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        EmbeddingsCall call;
        using (var body = await RequestBody.ReadAsync(request, limits.Value.MaxRequestBytes, cancellationToken, MediaTypes.Json))
        {
            measurement.BytesIn = body.WrittenCount;
            call = OpenAiRequests.ReadEmbeddings(body.WrittenMemory.Span);
        }

        var model = await ResolveAsync(call.Model, caller, measurement, cancellationToken);
        var result = await embedder.EmbedAsync(model, call.Inputs, call.Dimensions, cancellationToken);
        measurement.BatchSize = call.Inputs.Count;
        measurement.PromptTokens = result.PromptTokens;
        var output = new PooledBufferWriter();
        OpenAiResponses.WriteEmbeddings(output, OpenAiModelId.Of(model.Name, model.Version), result, call.Base64);
        measurement.BytesOut = output.WrittenCount;
        return new EncodedResponse(output, MediaTypes.Json, [ResponseHeaders.ModelVersionOf(model)]);
    }

    /// <summary><c>GET /v1/models</c>: every model whose default version is generative, by name.</summary>
    public async Task<EncodedResponse> ListModelsAsync(CancellationToken cancellationToken)
    {
        var rows = await resolver.ListAllAsync(cancellationToken);
        var output = new PooledBufferWriter();
        using (var json = new System.Text.Json.Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            foreach (var versions in rows.GroupBy(row => row.Name).OrderBy(group => group.Key, StringComparer.Ordinal))
            {
                if (ModelResolver.DefaultOf([.. versions]) is { Config.Generation: { } generation } served)
                {
                    OpenAiResponses.WriteModel(json, served.Name, served.UpdatedAt.ToUnixTimeSeconds(), GenerationConfig.TaskName(generation.Task));
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return new EncodedResponse(output, MediaTypes.Json);
    }

    /// <summary><c>GET /v1/models/{id}</c>: one generative model or version (404 in OpenAI's shape otherwise).</summary>
    public async Task<EncodedResponse> GetModelAsync(string id, CancellationToken cancellationToken)
    {
        var model = await ResolveModelAsync(OpenAiModelId.Parse(id), cancellationToken);
        var generation = model.Config.Generation ?? throw new MaasException(ErrorKind.NotFound, $"Model '{id}' is not served under /v1: it is not a generative model (its config.json has no generation block).") { Field = "model", Code = "model_not_found" };
        var output = new PooledBufferWriter();
        using (var json = new System.Text.Json.Utf8JsonWriter(output))
        {
            OpenAiResponses.WriteModel(json, id, model.UpdatedAt.ToUnixTimeSeconds(), GenerationConfig.TaskName(generation.Task));
        }

        return new EncodedResponse(output, MediaTypes.Json);
    }

    private Task<ModelVersionRecord> ResolveAsync(OpenAiModelId id, Caller caller, PredictionMeasurement measurement, CancellationToken cancellationToken)
        => AsModelNotFoundAsync(inference.ResolveAsync(id.Name, id.Version, caller, measurement, cancellationToken));

    private Task<ModelVersionRecord> ResolveModelAsync(OpenAiModelId id, CancellationToken cancellationToken)
        => AsModelNotFoundAsync(resolver.ResolveAsync(id.Name, id.Version, cancellationToken));

    /// <summary>An unknown model or version as OpenAI names it: <c>param</c> model, <c>code</c> model_not_found.</summary>
    private static async Task<ModelVersionRecord> AsModelNotFoundAsync(Task<ModelVersionRecord> resolving)
    {
        try
        {
            return await resolving;
        }
        catch (MaasException error) when (error.Kind == ErrorKind.NotFound)
        {
            throw new MaasException(ErrorKind.NotFound, error.Message) { Field = "model", Code = "model_not_found" };
        }
    }

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> StreamAsync(
        List<GenerationRun> runs,
        string id,
        long created,
        string model,
        CompletionCall call,
        Caller caller,
        PredictionMeasurement measurement,
        TimeSpan submittedAt,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var index = 0; index < runs.Count; index++)
        {
            var first = true;
            await foreach (var piece in runs[index].Sequence.Events.ReadAllAsync(cancellationToken))
            {
                var chunk = OpenAiResponses.Chunk(id, created, model, call.IsChat, index, piece.Text, first, piece.FinishReason, call.IncludeUsage);
                measurement.BytesOut += chunk.Length;
                first = false;
                yield return chunk;
            }
        }

        GenerationResponse.Meter(measurement, runs, submittedAt);
        GenerationResponse.Observe(inference, runs, requestId: null, caller, measurement);
        if (call.IncludeUsage)
        {
            yield return OpenAiResponses.UsageChunk(id, created, model, call.IsChat, UsageOf(runs));
        }

        yield return OpenAiResponses.Done;
    }

    private static TokenUsage UsageOf(List<GenerationRun> runs)
        => new(runs.Sum(run => run.Sequence.PromptTokens), runs.Sum(run => run.Sequence.CompletionTokens));
}
