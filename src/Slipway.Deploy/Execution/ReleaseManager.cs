using System.Diagnostics;
using Slipway.Core.Layout;
using Slipway.Deploy.Source;
using Slipway.Remote;

namespace Slipway.Deploy.Execution;

/// <summary>
/// Deploys, rollbacks and the maintenance commands over a stage's hosts: every phase is one script per host, run on
/// all hosts in parallel; a phase ends only when every host has finished it (the barrier), and any failure is undone
/// everywhere before the run ends. Undoing runs with its own token, so Ctrl-C leads to the same guarantees. One manager
/// serves a whole command (the reporter and options travel with each <see cref="DeployRequest"/>).
/// </summary>
public sealed partial class ReleaseManager(
    SessionPool sessions, TimeProvider time, RunIdentity identity, Func<int, bool>? processAlive = null, ILocalGit? git = null)
{
    /// <summary>How long a lock is honoured without its owner being proven gone.</summary>
    public static readonly TimeSpan LockLease = TimeSpan.FromHours(1);

    private readonly Func<int, bool> _processAlive = processAlive ?? ProcessAlive;

    /// <summary>The collaborators of one run; <paramref name="action"/> names its log (null: no log file).</summary>
    private RunScope Scope(DeployRequest request, string? action, HostPhases? phases = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reporter = request.Reporter;
        phases ??= new HostPhases(sessions, reporter, request.Config.PhaseTimeouts);
        var records = new LocalRecords(LocalState.For(request.Config), time, reporter);
        var log = action is null ? DeployLog.None(time) : records.OpenLog(request.Stage.Name, action, identity.Pid);
        var runner = new ScriptRunner(log, request.Verbose ? reporter.HostOutput : null);
        return new RunScope(request, phases, new DeployLocks(phases, time, identity, _processAlive, reporter), records, runner, time, identity);
    }

    private SourceResolver Resolver(DeploySource origin) => origin.Resolver(git);

    private static bool ProcessAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
