namespace Maas.Core.Registry;

/// <summary>What one reconciliation pass changed.</summary>
public sealed record ReconcileResult(int Registered, int Removed);
