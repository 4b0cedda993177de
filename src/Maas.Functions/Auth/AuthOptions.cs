using System.ComponentModel.DataAnnotations;

namespace Maas.Functions.Auth;

/// <summary>Configuration section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary><c>EntraId</c> (the default) or <c>Disabled</c>, which only a Development environment outside Azure accepts.</summary>
    [EnumDataType(typeof(AuthMode), ErrorMessage = "Auth:Mode must be EntraId or Disabled.")]
    public AuthMode Mode { get; set; } = AuthMode.EntraId;
}
