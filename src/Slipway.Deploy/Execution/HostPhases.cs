using System.Diagnostics;
using Slipway.Core;
using Slipway.Core.Config;
using Slipway.Core.Diagnostics;
using Slipway.Remote;

namespace Slipway.Deploy.Execution;

/// <summary>
/// Runs one phase on every host of a run through <see cref="HostFanOut"/> and reports each host's end of it. A phase
/// ends only when every host has finished it (the barrier); a host's lost connection, time-out or Ctrl-C is its
/// failure, and the other hosts carry on. Each host's part of a phase is bounded by the phase's time-out
/// (<see cref="PhaseTimeouts"/>): a hook that never returns, or a host that stops answering, fails that host instead of
/// hanging the run. Connections may be started early (<see cref="Preconnect"/>).
/// </summary>
internal sealed class HostPhases(SessionPool sessions, IDeployReporter reporter, PhaseTimeouts timeouts)
{
    private readonly Dictionary<HostConfig, Task<IRemoteSession>> _connecting = new(ReferenceEqualityComparer.Instance);

    public async Task<List<HostFailure>> RunAsync(
        IReadOnlyList<HostRun> runs, string phase, int maxParallel, Func<HostRun, CancellationToken, Task<HostFailure?>> work,
        CancellationToken ct, bool report = true)
    {
        // Every host's time counts from the phase's start, waiting for its turn included.
        var clocks = runs.ToDictionary(r => r, _ => Stopwatch.StartNew());
        var limit = timeouts.For(phase);
        var results = await HostFanOut.RunAsync(runs, maxParallel, async (run, token) =>
        {
            run.Session ??= await SessionAsync(run.Host, token);
            Timeline.Mark($"{phase} start {run.Host.DisplayName}");
            var failure = await work(run, token);
            Timeline.Mark($"{phase} end {run.Host.DisplayName}");
            if (report)
            {
                reporter.HostPhase(run.Host, phase, failure is null, clocks[run].Elapsed, failure?.Message);
            }

            return failure;
        }, (run, fault) =>
        {
            var message = fault.Kind == HostFaultKind.TimedOut && limit is { } l && fault.Cause is null
                ? $"timed out: {phase} did not end within {Durations.Format(l)} (phase_timeouts.{PhaseTimeouts.KeyOf(phase)})"
                : fault.Message;
            var failure = new HostFailure(run.Host, phase, null, Kind(fault.Kind), message, []);
            if (report)
            {
                reporter.HostPhase(run.Host, phase, false, clocks[run].Elapsed, failure.Message);
            }

            return failure;
        }, ct, limit);
        return [.. results.OfType<HostFailure>()];
    }

    /// <summary>Starts connecting to every host now, without waiting; the first phase picks the connections up.</summary>
    public void Preconnect(IEnumerable<HostConfig> hosts, CancellationToken ct)
    {
        lock (_connecting)
        {
            foreach (var host in hosts)
            {
                var connect = sessions.GetAsync(host, ct);
                _connecting[host] = connect;
                // Observed here so an unreachable host never becomes an unobserved task exception; reported by the phase.
                _ = connect.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    private Task<IRemoteSession> SessionAsync(HostConfig host, CancellationToken ct)
    {
        lock (_connecting)
        {
            if (_connecting.Remove(host, out var connect))
            {
                return connect.WaitAsync(ct);
            }
        }

        return sessions.GetAsync(host, ct);
    }

    private static FailureKind Kind(HostFaultKind kind) => kind switch
    {
        HostFaultKind.TimedOut => FailureKind.TimedOut,
        HostFaultKind.Cancelled => FailureKind.Cancelled,
        _ => FailureKind.Unreachable,
    };
}
