using Slipway.Deploy.Model;

namespace Slipway.Deploy.Execution;

/// <summary>
/// The collaborators of one run, built once per call by <see cref="ReleaseManager"/>: the request, the phases over its
/// hosts, the locks, this machine's records, the script runner writing the run's log, the clock and who is running.
/// </summary>
internal sealed record RunScope(
    DeployRequest Request, HostPhases Phases, DeployLocks Locks, LocalRecords Records, ScriptRunner Runner, TimeProvider Time, RunIdentity Identity)
{
    /// <summary>
    /// How long undoing (or finishing) may take in all after a failure or Ctrl-C; it runs with its own token. A minute
    /// past the per-host limits, so a host that hangs there is reported as timed out by its phase first.
    /// </summary>
    public static TimeSpan CompensationLimit(Core.Config.PhaseTimeouts timeouts)
    {
        ArgumentNullException.ThrowIfNull(timeouts);
        return (timeouts.Undo > timeouts.Finish ? timeouts.Undo : timeouts.Finish) + TimeSpan.FromMinutes(1);
    }

    public TimeSpan Compensation => CompensationLimit(Request.Config.PhaseTimeouts);

    public IDeployReporter Reporter => Request.Reporter;

    public int Parallel => Request.Config.Ssh.MaxParallel;

    public List<HostRun> NewRuns() => [.. Request.Hosts.Select(h => new HostRun(h, Core.Layout.HostLayout.For(Request.Config, h)))];

    public HistoryEntry History(string action, string result, DateTimeOffset started, TimeSpan elapsed) => new()
    {
        Action = action,
        Stage = Request.Stage.Name,
        Result = result,
        User = Identity.User,
        Machine = Identity.Machine,
        Started = started,
        DurationMs = (long)elapsed.TotalMilliseconds,
        Message = Request.Message,
    };
}
