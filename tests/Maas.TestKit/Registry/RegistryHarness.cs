using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Maas.Core.Capture;
using Maas.Core.Drift;
using Maas.Core.Evaluation;
using Maas.Core.Health;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.Core.Registry;
using Maas.TestKit.Azurite;
using Maas.TestKit.Logging;
using Microsoft.Extensions.Caching.Memory;

namespace Maas.TestKit.Registry;

/// <summary>
/// The registry on real Azurite with a container and table of its own, so tests never see each other's models:
/// upload blobs, invoke registration the way the blob trigger would, read rows back.
/// </summary>
public sealed class RegistryHarness
{
    /// <summary>The registry lookup budget of tests that do not test it (Registry:LookupTimeout's upper bound).</summary>
    public static readonly TimeSpan TestLookupTimeout = TimeSpan.FromMinutes(1);

    /// <param name="inference">The session options registration inspects graphs with (serving's; the defaults when null).</param>
    /// <param name="capture">The capture settings registration checks config.json's <c>capture</c> against (the defaults, no hash key, when null).</param>
    public RegistryHarness(
        AzuriteFixture azurite,
        Action<RegistryOptions>? configure = null,
        Azure.Core.Pipeline.HttpPipelinePolicy? tableFaults = null,
        InferenceOptions? inference = null,
        Azure.Core.Pipeline.HttpPipelinePolicy? blobFaults = null,
        CaptureOptions? capture = null)
    {
        Options = new RegistryOptions
        {
            ContainerName = AzuriteFixture.UniqueName("models"),
            OptimizedContainerName = AzuriteFixture.UniqueName("optimized"),
            EvaluationContainerName = AzuriteFixture.UniqueName("evaluations"),

            // A bound, not a figure under test: a lookup on a loaded CI machine may take longer than the app's 2 s budget,
            // which then answers 503 where the test expects its own outcome. Outage tests set their own, shorter budget.
            LookupTimeout = TestLookupTimeout,
        };
        configure?.Invoke(Options);
        var blobOptions = new BlobClientOptions();
        if (blobFaults is not null)
        {
            blobOptions.AddPolicy(blobFaults, Azure.Core.HttpPipelinePosition.PerCall);
        }

        var blobService = new BlobServiceClient(azurite.ConnectionString, blobOptions);
        BlobService = blobService;
        Container = blobService.GetBlobContainerClient(Options.ContainerName);
        Container.CreateIfNotExists();
        var tableOptions = new TableClientOptions();
        if (tableFaults is not null)
        {
            tableOptions.AddPolicy(tableFaults, Azure.Core.HttpPipelinePosition.PerCall);
        }

        Table = new TableClient(azurite.ConnectionString, AzuriteFixture.UniqueName("registry"), tableOptions);
        var lookupOptions = Options.LookupClientOptions();
        if (tableFaults is not null)
        {
            lookupOptions.AddPolicy(tableFaults, Azure.Core.HttpPipelinePosition.PerCall);
        }

        Store = new ModelRegistryStore(Table, new TableClient(azurite.ConnectionString, Table.Name, lookupOptions));
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        Sessions = new SessionFactory(Microsoft.Extensions.Options.Options.Create(inference ?? new InferenceOptions()));
        var evaluationPass = new EvaluationPass(Sessions, options, TimeProvider.System, Logs.CreateLogger<EvaluationPass>());
        var artefacts = new VersionArtefacts(new ModelEvaluator(evaluationPass, TimeProvider.System), [new EvaluationSetBaseline(evaluationPass, Logs.CreateLogger<EvaluationSetBaseline>())], options, Logs.CreateLogger<VersionArtefacts>());
        var examiner = new VersionExaminer(Sessions, artefacts, [new CaptureConfigCheck(Microsoft.Extensions.Options.Options.Create(capture ?? new CaptureOptions()))], options, Logs.CreateLogger<VersionExaminer>());
        Registrar = new ModelRegistrar(Store, examiner, TimeProvider.System, Logs.CreateLogger<ModelRegistrar>());
        Removal = new VersionRemoval(Registrar, Store, TimeProvider.System, Logs.CreateLogger<VersionRemoval>());
        Reconciler = new ModelReconciler(blobService, Registrar, Removal, Store, options, Logs.CreateLogger<ModelReconciler>());
        Health = new DependencyHealth(TimeProvider.System);
        Resolver = new ModelResolver(Store, options, new MemoryCache(new MemoryCacheOptions()), Health, TimeProvider.System, Logs.CreateLogger<ModelResolver>());
    }

    public RegistryOptions Options { get; }

    /// <summary>
    /// Gives the resolver's lookups <paramref name="budget"/> until disposed, then the budget they had again.
    /// Outage tests tighten the budget only while storage fails: a cold first lookup, or the first after a restart, on a
    /// loaded machine can take longer than an outage budget and would then be mistaken for the outage.
    /// </summary>
    public IDisposable LookupBudget(TimeSpan budget)
    {
        var scope = new BudgetScope(Options, Options.LookupTimeout);
        Options.LookupTimeout = budget;
        return scope;
    }

    private sealed class BudgetScope(RegistryOptions options, TimeSpan before) : IDisposable
    {
        public void Dispose() => options.LookupTimeout = before;
    }

    /// <summary>How sessions are created, for registration's inspection and (in <see cref="Serving.ServingHarness"/>) for serving.</summary>
    public SessionFactory Sessions { get; }

    public BlobServiceClient BlobService { get; }

    public BlobContainerClient Container { get; }

    /// <summary>Where registration stores full evaluation reports.</summary>
    public BlobContainerClient Evaluations => BlobService.GetBlobContainerClient(Options.EvaluationContainerName);

    public TableClient Table { get; }

    public ModelRegistryStore Store { get; }

    public ModelRegistrar Registrar { get; }

    public ModelReconciler Reconciler { get; }

    public VersionRemoval Removal { get; }

    public ModelResolver Resolver { get; }

    /// <summary>What the repository's lookups reported of storage.</summary>
    public DependencyHealth Health { get; }

    public LogRecorder Logs { get; } = new();

    /// <summary>A model name no other test uses.</summary>
    public static string NewModelName() => AzuriteFixture.UniqueName("m");

    public async Task<BlobClient> UploadAsync(string path, byte[] content, IDictionary<string, string>? metadata = null)
    {
        var blob = Container.GetBlobClient(path);
        await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions { Metadata = metadata });
        return blob;
    }

    /// <summary>Uploads then registers, as the blob trigger would for that blob.</summary>
    public async Task<RegistrationOutcome> UploadAndRegisterAsync(string path, byte[] content, IDictionary<string, string>? metadata = null)
        => await RegisterAsync(await UploadAsync(path, content, metadata), path);

    public Task<RegistrationOutcome> RegisterAsync(BlobClient blob, string path)
        => Registrar.RegisterAsync(blob, path, CancellationToken.None);

    public async Task<ModelVersionRecord?> RowAsync(string name, long version)
        => (await Store.GetAsync(name, version, CancellationToken.None))?.Record;

    public async Task<int> RowCountAsync()
    {
        await Table.CreateIfNotExistsAsync();
        var count = 0;
        await foreach (var _ in Table.QueryAsync<TableEntity>())
        {
            count++;
        }

        return count;
    }
}
