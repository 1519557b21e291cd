namespace Slipway.Cli;

/// <summary>What slipway's exit status means; scripts may rely on these numbers.</summary>
public static class ExitCodes
{
    /// <summary>Everything asked for succeeded.</summary>
    public const int Success = 0;

    /// <summary>A command ran but failed (non-zero exit) on at least one host.</summary>
    public const int CommandFailed = 1;

    /// <summary>Bad usage or an invalid configuration file; nothing was done.</summary>
    public const int UsageOrConfig = 2;

    /// <summary>At least one host could not be reached, refused us, or was lost mid-command.</summary>
    public const int ConnectionFailed = 3;

    /// <summary><c>deploy --watch</c>: the deploy succeeded, but traceback groups appeared on the new release that were never seen before.</summary>
    public const int NewErrorsAfterDeploy = 4;

    /// <summary>Interrupted (Ctrl-C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
