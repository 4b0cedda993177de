using System.Text;
using Maas.Core.Batch;
using Maas.TestKit.Azurite;
using Maas.TestKit.Serving;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Maas.TestKit.Batch;

/// <summary>
/// Batch jobs over a <see cref="ServingHarness"/>'s data plane on real Azurite (a table and containers of their own),
/// run by the Durable Task SDK's in-process test host with the app's own orchestration and activities
/// (<see cref="BatchOrchestration"/>, <see cref="BatchActivities"/>): the Functions host is the one part that is not real.
/// </summary>
public sealed class BatchHarness : IAsyncDisposable
{
    private readonly DurableTaskTestHost _durable;

    private BatchHarness(ServingHarness serving, BatchOptions options, BatchStore store, BatchFileStore files, BatchActivities activities, BatchJobs jobs, BatchApi api, BatchActivityLimiter limiter, DurableTaskTestHost durable)
    {
        (Serving, Options, Store, Files, Activities, Jobs, Api, Limiter, _durable) = (serving, options, store, files, activities, jobs, api, limiter, durable);
    }

    public ServingHarness Serving { get; }

    public BatchOptions Options { get; }

    public BatchStore Store { get; }

    public BatchFileStore Files { get; }

    public BatchActivities Activities { get; }

    public BatchJobs Jobs { get; }

    /// <summary>The Batch API over this harness, as the HTTP functions call it.</summary>
    public BatchApi Api { get; }

    public BatchActivityLimiter Limiter { get; }

    /// <summary>Batches started by dropping files into <see cref="BatchOptions.DropContainer"/>.</summary>
    public BatchDrops Drops => new(Jobs, Files, Serving.Registry.Logs.CreateLogger<BatchDrops>());

    /// <summary>The test host's client: what <c>[DurableClient]</c> binds in the app.</summary>
    public DurableTaskClient Durable => _durable.Client;

    /// <param name="configure">Batch settings to change (containers and table are this harness's own).</param>
    /// <param name="beforeChunk">Runs in each chunk activity before its lines (a test's hook to cancel half way).</param>
    public static async Task<BatchHarness> StartAsync(ServingHarness serving, AzuriteFixture azurite, Action<BatchOptions>? configure = null, Func<BatchChunkWork, Task>? beforeChunk = null)
    {
        ArgumentNullException.ThrowIfNull(serving);
        ArgumentNullException.ThrowIfNull(azurite);
        var options = new BatchOptions
        {
            FilesContainer = AzuriteFixture.UniqueName("batch-files-"),
            DropContainer = AzuriteFixture.UniqueName("batches-"),
            TableName = AzuriteFixture.UniqueName("Batches"),
        };
        configure?.Invoke(options);
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        var clock = TimeProvider.System;
        var store = new BatchStore(azurite.TableService, wrapped, clock);
        var files = new BatchFileStore(azurite.BlobService, wrapped);
        var runner = new BatchLineRunner(serving.Inference, serving.Sessions, new BatchProtocols(serving.Simple, serving.V2), serving.OpenAi, serving.Metrics, wrapped, clock, serving.Registry.Logs.CreateLogger<BatchLineRunner>());
        var limiter = new BatchActivityLimiter(wrapped);
        var activities = new BatchActivities(store, files, runner, limiter, wrapped, clock);
        var jobs = new BatchJobs(store, files, wrapped, clock);
        var api = new BatchApi(jobs, files, Microsoft.Extensions.Options.Options.Create(serving.Limits), wrapped, clock);
        var durable = await StartDurableAsync(
            tasks =>
            {
                tasks.AddOrchestratorFunc<BatchRun, BatchStatus>(BatchOrchestration.Name, (context, _) => BatchOrchestration.RunAsync(context));
                tasks.AddActivityFunc<BatchRun, BatchPlan>(BatchOrchestration.Validate, (_, run) => activities.ValidateAsync(run, CancellationToken.None));
                tasks.AddActivityFunc<BatchChunkWork, BatchChunkCounts>(BatchOrchestration.RunChunk, async (_, work) =>
                {
                    if (beforeChunk is not null)
                    {
                        await beforeChunk(work);
                    }

                    return await activities.RunChunkAsync(work, CancellationToken.None);
                });
                tasks.AddActivityFunc<BatchProgress, BatchStatus>(BatchOrchestration.RecordProgress, (_, progress) => activities.RecordProgressAsync(progress, CancellationToken.None));
                tasks.AddActivityFunc<BatchFinish, BatchStatus>(BatchOrchestration.Finish, (_, finish) => activities.FinishAsync(finish, CancellationToken.None));
            });
        return new BatchHarness(serving, options, store, files, activities, jobs, api, limiter, durable);
    }

    /// <summary>Most tries at starting the test host: it picks a free port and binds it later, so another server may take it in between.</summary>
    private const int StartAttempts = 5;

    private static async Task<DurableTaskTestHost> StartDurableAsync(Action<Microsoft.DurableTask.DurableTaskRegistry> tasks)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DurableTaskTestHost.StartAsync(tasks, new DurableTaskTestHostOptions { LoggerFactory = NullLoggerFactory.Instance });
            }
            catch (IOException error) when (attempt < StartAttempts && error.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                // The port was taken between the host choosing it and binding it: choose again.
            }
        }
    }

    /// <summary>The owner key of the harness's caller (auth off, as with <c>Auth:Mode</c> Disabled).</summary>
    public static string Owner => BatchOwner.KeyOf(Maas.Core.Serving.Caller.AuthDisabled);

    /// <summary>Uploads <paramref name="lines"/> as a batch input file of <see cref="Owner"/>; returns its id.</summary>
    public async Task<string> UploadAsync(IEnumerable<string> lines)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        return (await Files.UploadAsync(Owner, "input.jsonl", BatchFileStore.InputPurpose, content, DateTimeOffset.UtcNow, CancellationToken.None)).Id;
    }

    /// <summary>Uploads <paramref name="lines"/>, submits them to <paramref name="endpoint"/> and waits for the batch to end; its final record.</summary>
    public async Task<BatchRecord> RunAsync(string endpoint, IEnumerable<string> lines)
    {
        var batch = await SubmitAsync(endpoint, lines);
        return await WaitAsync(batch.Id);
    }

    public async Task<BatchRecord> SubmitAsync(string endpoint, IEnumerable<string> lines)
    {
        var file = await UploadAsync(lines);
        return await Jobs.SubmitAsync(Durable, Owner, BatchOwner.Keep(Maas.Core.Serving.Caller.AuthDisabled), endpoint, file, metadata: null, CancellationToken.None);
    }

    /// <summary>Waits for the batch's orchestration to end (it fails the test if the orchestration failed); the batch's record then, whoever owns it.</summary>
    public async Task<BatchRecord> WaitAsync(string batchId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var instance = await Durable.WaitForInstanceCompletionAsync(batchId, getInputsAndOutputs: true, timeout.Token);
        if (instance.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            throw new InvalidOperationException($"The batch orchestration ended {instance.RuntimeStatus}: {instance.FailureDetails?.ErrorMessage}");
        }

        var run = instance.ReadInputAs<BatchRun>()!;
        return (await Store.GetAsync(run.Owner, batchId, CancellationToken.None))!;
    }

    /// <summary>The drop container (<see cref="BatchOptions.DropContainer"/>), created.</summary>
    public async Task<Azure.Storage.Blobs.BlobContainerClient> DropContainerAsync()
    {
        var container = Serving.Registry.BlobService.GetBlobContainerClient(Options.DropContainer);
        await container.CreateIfNotExistsAsync();
        return container;
    }

    /// <summary>The lines of file <paramref name="fileId"/> (none when the id is null).</summary>
    public async Task<IReadOnlyList<string>> ReadLinesAsync(string? fileId)
    {
        if (fileId is null)
        {
            return [];
        }

        await using var content = await Files.OpenReadAsync(fileId, CancellationToken.None);
        using var reader = new StreamReader(content, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync()
    {
        await _durable.DisposeAsync();
        Limiter.Dispose();
    }
}
