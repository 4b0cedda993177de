using Azure.Data.Tables;

namespace Maas.Core.Registry;

/// <summary>
/// The <c>ModelVersions</c> table as the serving path reads it: a client of its own whose Azure SDK retries and timeouts
/// fit <c>Registry:LookupTimeout</c> (<see cref="RegistryOptions.LookupClientOptions"/>), so a prediction never waits on
/// storage's default retries.
/// </summary>
public sealed class RegistryLookupTable(TableClient table)
{
    public TableClient Table { get; } = table;
}
