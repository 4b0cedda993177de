using Maas.Core.Batch;
using Maas.Core.Capture;
using Maas.Core.Catalog;
using Maas.Core.Drift;
using Maas.Core.Evaluation;
using Maas.Core.Generation;
using Maas.Core.Health;
using Maas.Core.Inference;
using Maas.Core.Monitoring;
using Maas.Core.Monitoring.Query;
using Maas.Core.Protocol.OpenAI;
using Maas.Core.Protocol.OpenApi;
using Maas.Core.Protocol.Simple;
using Maas.Core.Protocol.V2;
using Maas.Core.Registry;
using Maas.Core.Rollout;
using Maas.Core.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Maas.Core;

/// <summary>Registers the Core services and their options, each validated when the app starts.</summary>
public static class CoreServiceCollectionExtensions
{
    public static IServiceCollection AddMaasCore(this IServiceCollection services)
    {
        services.AddValidatedOptions<RegistryOptions>(RegistryOptions.SectionName);
        services.AddValidatedOptions<InferenceOptions>(InferenceOptions.SectionName);
        services.AddValidatedOptions<LimitsOptions>(LimitsOptions.SectionName);
        services.AddValidatedOptions<MonitoringOptions>(MonitoringOptions.SectionName);
        services.AddValidatedOptions<CaptureOptions>(CaptureOptions.SectionName);
        services.AddValidatedOptions<DriftOptions>(DriftOptions.SectionName);
        services.AddValidatedOptions<GenerationOptions>(GenerationOptions.SectionName);
        services.AddValidatedOptions<BatchOptions>(BatchOptions.SectionName);
        services.AddValidatedOptions<RolloutOptions>(RolloutOptions.SectionName);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DependencyHealth>();
        services.AddSingleton<ModelRegistryStore>();
        services.AddMemoryCache();
        services.AddSingleton<SessionFactory>();
        services.AddSingleton<IModelInspector>(provider => provider.GetRequiredService<SessionFactory>());
        services.AddSingleton<EvaluationPass>();
        services.AddSingleton<IModelEvaluator, ModelEvaluator>();
        services.AddSingleton<IVersionArtefact, EvaluationSetBaseline>();
        services.AddSingleton<IModelConfigCheck, CaptureConfigCheck>();
        services.AddSingleton<IModelConfigCheck, GenerationConfigCheck>();
        services.AddSingleton<VersionArtefacts>();
        services.AddSingleton<VersionExaminer>();
        services.AddSingleton<ModelRegistrar>();
        services.AddSingleton<VersionRemoval>();
        services.AddSingleton<ModelReconciler>();
        services.AddSingleton<ModelResolver>();
        services.AddSingleton(MetricsInstance.FromEnvironment());
        services.AddSingleton(MetricsTables.Default);
        services.AddSingleton(DriftTables.Default);
        services.AddSingleton<MetricsRecorder>();
        services.AddHostedService<MetricsFlushService>();
        services.AddSingleton<DriftBaselineStore>();
        services.AddSingleton<DriftObserver>();
        services.AddSingleton<DriftRecorder>();
        services.AddHostedService(provider => provider.GetRequiredService<DriftRecorder>());
        services.AddSingleton<IHourlyRollup, DriftAggregator>();
        services.AddSingleton<IRollupDecider, RolloutJudge>();
        services.AddSingleton<MetricsAggregator>();
        services.AddSingleton<RolloutQuery>();
        services.AddSingleton<MetricsQuery>();
        services.AddSingleton<DriftQuery>();
        services.AddSingleton<SessionLoader>();
        services.AddSingleton<SessionCache>();
        services.AddSingleton<TextGenerator>();
        services.AddSingleton<Embedder>();
        services.AddSingleton<OpenAiService>();
        services.AddSingleton<V2Generate>();
        services.AddSingleton<DynamicBatcher>();
        services.AddSingleton<CaptureBuffer>();
        services.AddSingleton<PredictionCapture>();
        services.AddSingleton<CaptureWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<CaptureWriter>());
        // The data plane's prediction observers, in the order each finished call is handed to them.
        services.AddSingleton<IPredictionObserver>(provider => provider.GetRequiredService<PredictionCapture>());
        services.AddSingleton<IPredictionObserver>(provider => provider.GetRequiredService<DriftObserver>());
        services.AddSingleton<ShadowTraffic>();
        services.AddSingleton<IPredictionObserver>(provider => provider.GetRequiredService<ShadowTraffic>());
        services.AddSingleton<ShadowRunner>();
        services.AddHostedService(provider => provider.GetRequiredService<ShadowRunner>());
        services.AddSingleton<InferenceService>();
        services.AddSingleton<SessionPrewarmer>();
        services.AddHostedService(provider => provider.GetRequiredService<SessionPrewarmer>());
        services.AddSingleton<V2InferenceProtocol>();
        services.AddSingleton<SimpleInferenceProtocol>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<BatchStore>();
        services.AddSingleton<BatchFileStore>();
        services.AddSingleton(provider => new BatchProtocols(provider.GetRequiredService<SimpleInferenceProtocol>(), provider.GetRequiredService<V2InferenceProtocol>()));
        services.AddSingleton<BatchLineRunner>();
        services.AddSingleton<BatchActivityLimiter>();
        services.AddSingleton<BatchActivities>();
        services.AddSingleton<BatchJobs>();
        services.AddSingleton<BatchDrops>();
        services.AddSingleton<BatchApi>();
        services.AddSingleton<OpenApiDocuments>();
        return services;
    }

    /// <summary>Binds <typeparamref name="TOptions"/> to a configuration section and checks its data annotations at start-up.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string sectionName)
        where TOptions : class
        => services.AddOptions<TOptions>()
            .BindConfiguration(sectionName, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations()
            .ValidateOnStart();
}
