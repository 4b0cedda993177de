using Maas.TestKit.Azurite;

namespace Maas.Core.Tests;

/// <summary>Tests in this collection share one Azurite process for the run.</summary>
[CollectionDefinition(Name)]
public sealed class UsesAzurite : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
