using Maas.Core.Registry;
using Maas.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>Brings the registry in line with the models container, on the <c>ReconcileSchedule</c> setting.</summary>
public sealed class ReconcileModels(ModelReconciler reconciler)
{
    public const string Schedule = "%" + TimerScheduleOptions.ReconcileScheduleSetting + "%";

    [Function(nameof(ReconcileModels))]
    public Task<ReconcileResult> Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
        => reconciler.RunAsync(cancellationToken);
}
