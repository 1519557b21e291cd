using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Monitor.Scheduling;

namespace Slipway.Monitor.Agent;

/// <summary>
/// What <c>slipway monitor agent --host H</c> runs: the host's <c>run_on: agent</c> checks on their schedule (the same
/// <see cref="CheckScheduler"/> as monitor serve: spread slots, retry_interval while SOFT, bounded concurrency), each
/// result written to the spool first and then sent by the <see cref="AgentSender"/>. The agent's own state machine only
/// paces the runs; monitor serve judges the results again and owns the state, alerts and history.
/// </summary>
public sealed class MonitorAgent
{
    private readonly ResultSpool _spool;
    private readonly AgentSender _sender;
    private readonly string _host;
    private readonly TimeProvider _time;
    private readonly int _spoolLimit;

    /// <param name="checks">The host's agent checks, each named by its check name (not NAME@HOST).</param>
    /// <param name="host">The host as slipway.yml names it.</param>
    /// <param name="spool">Where results wait.</param>
    /// <param name="sender">What sends them.</param>
    /// <param name="maxConcurrency">Checks running at once.</param>
    /// <param name="spoolLimit">The spool's limit, for the message when it drops results.</param>
    /// <param name="time">The clock.</param>
    /// <param name="loggers">Where the scheduler logs checks that throw.</param>
    public MonitorAgent(IReadOnlyList<ScheduledCheck> checks, string host, ResultSpool spool, AgentSender sender, int maxConcurrency,
        int spoolLimit, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        _spool = spool ?? throw new ArgumentNullException(nameof(spool));
        _sender = sender ?? throw new ArgumentNullException(nameof(sender));
        _host = host;
        _spoolLimit = spoolLimit;
        _time = time ?? TimeProvider.System;
        Scheduler = new CheckScheduler(checks, new SchedulerOptions { MaxConcurrency = maxConcurrency }, new SpoolSink(this), _time,
            (loggers ?? NullLoggerFactory.Instance).CreateLogger<CheckScheduler>());
    }

    public CheckScheduler Scheduler { get; }

    /// <summary>Each run as it is spooled (the console prints state changes).</summary>
    public event Action<CheckRun>? Ran;

    /// <summary>A line for the console: results dropped from a full spool.</summary>
    public event Action<string>? Noted;

    /// <summary>Runs the checks and the sender until <paramref name="ct"/> is cancelled; the spool keeps what is not sent.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var sender = _sender.RunAsync(ct);
        try
        {
            await Scheduler.RunAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        await sender;
    }

    private sealed class SpoolSink(MonitorAgent agent) : ICheckRunSink
    {
        public ValueTask RecordAsync(CheckRun run, CancellationToken ct)
        {
            var at = run.Status.LastCheck ?? agent._time.GetUtcNow();
            var dropped = agent._spool.Append(AgentResult.From(run.Check, agent._host, run.Result, at));
            // One line when the spool starts dropping (the first since the server was last told), not one per result.
            if (dropped > 0 && agent._spool.Dropped == dropped)
            {
                agent.Noted?.Invoke($"spool full ({agent._spoolLimit} results, monitor.agent.spool_limit): the oldest results are dropped " +
                    "and counted until the server answers again");
            }

            agent._sender.Wake();
            agent.Ran?.Invoke(run);
            return ValueTask.CompletedTask;
        }
    }
}
