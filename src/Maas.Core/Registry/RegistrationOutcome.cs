namespace Maas.Core.Registry;

/// <summary>What a registration attempt did with a blob.</summary>
public enum RegistrationOutcome
{
    /// <summary>The path breaks the repository rules; nothing was written.</summary>
    Ignored,

    /// <summary>The path is valid and the blob was accepted.</summary>
    Received,
}
