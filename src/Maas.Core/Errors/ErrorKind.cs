namespace Maas.Core.Errors;

/// <summary>The protocol-neutral classes of failure, each with exactly one status code (<see cref="ErrorStatus"/>).</summary>
public enum ErrorKind
{
    /// <summary>The request is malformed or does not fit the model (400).</summary>
    InvalidInput,

    /// <summary>No bearer token, or one that does not validate (401 with a Bearer challenge).</summary>
    Unauthenticated,

    /// <summary>The caller is authenticated but lacks a permission or a role the model requires (403).</summary>
    Forbidden,

    /// <summary>No such model or version (404).</summary>
    NotFound,

    /// <summary>The thing exists but is not in a state to do this: a version Failed or Removed, a batch that has already ended (409).</summary>
    NotReady,

    /// <summary>The body is larger than allowed (413).</summary>
    PayloadTooLarge,

    /// <summary>The content type is not one the endpoint reads (415).</summary>
    UnsupportedMediaType,

    /// <summary>The batch queue is full; retry later (429).</summary>
    Throttled,

    /// <summary>This instance cannot serve the request now: storage unreachable, or the execution provider the model needs is missing (503).</summary>
    Unavailable,
}
