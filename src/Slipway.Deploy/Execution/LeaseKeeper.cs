using Slipway.Deploy.Model;
using Slipway.Deploy.Scripts;
using Slipway.Remote;

namespace Slipway.Deploy.Execution;

/// <summary>
/// Keeps a run's deploy lock alive while it works: every <see cref="Interval"/> (a quarter of the lease) the lock record
/// on every host we hold it on is rewritten with a new expiry, so a long update (migrations, a slow build) is never
/// taken for a crashed run, while a run that really died stops renewing and its lock expires one lease later.
/// Renewals go through the session concurrently with the phase script (ssh gives them a channel of their own).
/// A failed renewal is reported once per host and does not stop the run: the check at the next deploy decides.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _disposed;

    private LeaseKeeper(
        IReadOnlyList<HostRun> runs, LockRecord record, TimeSpan lease, TimeProvider time, ScriptRunner runner, IDeployReporter reporter)
    {
        _loop = RunAsync(runs, record, lease, time, runner, reporter, _stop.Token);
    }

    public static TimeSpan Interval(TimeSpan lease) => lease / 4;

    /// <summary>Starts renewing the locks held in <paramref name="runs"/> (those with <see cref="HostRun.Locked"/>).</summary>
    public static LeaseKeeper Start(
        IReadOnlyList<HostRun> runs, LockRecord record, TimeSpan lease, TimeProvider time, ScriptRunner runner, IDeployReporter reporter) =>
        new(runs, record, lease, time, runner, reporter);

    /// <summary>Stops renewing and waits for a renewal in flight, so none races the unlock that follows.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // The normal way out.
        }

        _stop.Dispose();
    }

    private static async Task RunAsync(
        IReadOnlyList<HostRun> runs, LockRecord record, TimeSpan lease, TimeProvider time, ScriptRunner runner, IDeployReporter reporter,
        CancellationToken ct)
    {
        var warned = new HashSet<string>(StringComparer.Ordinal);
        var warnedLock = new Lock();
        while (true)
        {
            await Task.Delay(Interval(lease), time, ct);
            var renewed = record with { Expires = time.GetUtcNow() + lease };
            await Task.WhenAll(runs.Where(r => r.Locked && r.Session is not null).Select(async run =>
            {
                string? problem;
                try
                {
                    var result = await runner.RunAsync(run.Session!, "renew", new Script().Add(DeployScripts.RenewLock(run.Paths, renewed)).Build(), ct);
                    problem = result.Succeeded ? null : "the lock is no longer ours";
                }
                catch (Exception e) when (e is RemoteConnectionException or TimeoutException or IOException or InvalidOperationException)
                {
                    problem = e.Message;
                }

                bool first;
                lock (warnedLock)
                {
                    first = problem is not null && warned.Add(run.Host.DisplayName);
                }

                if (first)
                {
                    reporter.Warning($"{run.Host.DisplayName}: could not renew the deploy lock ({problem})");
                }
            }));
        }
    }
}
