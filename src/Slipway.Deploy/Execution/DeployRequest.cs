using Slipway.Core.Config;

namespace Slipway.Deploy.Execution;

/// <summary>What the user asked for: the stage, the hosts picked from it, and the options.</summary>
public sealed record DeployRequest
{
    public required SlipwayConfig Config { get; init; }

    public required StageConfig Stage { get; init; }

    public required IReadOnlyList<HostConfig> Hosts { get; init; }

    public string? Revision { get; init; }

    public string? Branch { get; init; }

    public string? Message { get; init; }

    public bool NoAutoRollback { get; init; }

    /// <summary>How long to wait for another run's lock; null refuses at once.</summary>
    public TimeSpan? Wait { get; init; }

    /// <summary>For rollback: the release to go back to; null is the previous good one.</summary>
    public string? To { get; init; }

    /// <summary>
    /// How many hosts publish at once; null uses <c>ssh.max_parallel</c>. One (rolling processes) publishes host after
    /// host, and after a failure the hosts not yet published are left alone before every host is switched back.
    /// </summary>
    public int? PublishParallelism { get; init; }

    /// <summary>For rollback: go ahead although hosts disagree about what is live.</summary>
    public bool Force { get; init; }

    /// <summary>Where the run's progress goes (the console's phase lines, or nothing for --json).</summary>
    public IDeployReporter Reporter { get; init; } = SilentReporter.Instance;

    /// <summary>
    /// Build artifacts to install on the hosts whose roles need them (docs/build.md, "Deploy integration"); found by the
    /// build feature on this machine before the run.
    /// </summary>
    public IReadOnlyList<Core.Vendor.VendorArtifact> Vendor { get; init; } = [];

    /// <summary>Pass every line the hosts print to <see cref="IDeployReporter.HostOutput"/> (--verbose).</summary>
    public bool Verbose { get; init; }
}

/// <summary>Who is running: recorded in the lock and the history.</summary>
public sealed record RunIdentity(string User, string Machine, int Pid)
{
    public static RunIdentity Current() => new(Environment.UserName, Environment.MachineName, Environment.ProcessId);
}
