namespace Slipway.Deploy.Model;

/// <summary>What Slipway knows about a release directory.</summary>
public enum ReleaseState
{
    /// <summary>Completed deploy (or a release Slipway did not make, e.g. Capistrano's: adopted as good).</summary>
    Ok,

    /// <summary>The deploy that made it never finished; cleaned up first, never a rollback target.</summary>
    Unfinished,

    /// <summary>Rolled back from (or failed after publish); never picked by <c>rollback</c> again.</summary>
    Bad,
}

/// <summary>One release directory on one host.</summary>
public sealed record ReleaseInfo(string Name, ReleaseState State, string? Revision);
