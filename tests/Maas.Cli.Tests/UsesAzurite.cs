using Maas.TestKit.Azurite;

namespace Maas.Cli.Tests;

/// <summary>Tests that share the one Azurite process of this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class UsesAzurite : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
