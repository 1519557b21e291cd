using Slipway.Monitor.Scheduling;

namespace Slipway.Monitor.Agent;

/// <summary>
/// monitor serve's side of the host agents: takes their batches of results (in order, one batch at a time), applies
/// each through <see cref="CheckScheduler.SubmitAsync"/> as if the check had run here, drops what it already has (a
/// batch resent after a lost answer), and gives a check whose agent went silent an UNKNOWN result
/// (<see cref="FreshnessWatch"/>).
/// </summary>
public sealed class AgentIntake : IDisposable
{
    private readonly CheckScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly FreshnessWatch _watch;
    private readonly Dictionary<string, DateTimeOffset> _lastRun = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastApplied = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _closed;

    /// <param name="scheduler">The scheduler that holds the passive checks.</param>
    /// <param name="checks">Each passive check's id (NAME@HOST) and freshness limit.</param>
    /// <param name="time">The clock (fake in tests).</param>
    public AgentIntake(CheckScheduler scheduler, IEnumerable<(string Id, TimeSpan Freshness)> checks, TimeProvider? time = null)
    {
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _time = time ?? TimeProvider.System;
        _watch = new FreshnessWatch(checks, _time.GetUtcNow());
    }

    /// <summary>Something worth a line on the console: an agent's dropped results, a check it sent that is not configured, a stale check.</summary>
    public event Action<string>? Noted;

    /// <summary>Results applied so far.</summary>
    public long Accepted { get; private set; }

    /// <summary>Applies <paramref name="batch"/> in order.</summary>
    public async Task<AgentBatchAnswer> AcceptAsync(AgentBatch batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await _gate.WaitAsync(ct);
        try
        {
            if (_closed)
            {
                return new AgentBatchAnswer { Error = "monitor serve is stopping; send again later" };
            }

            if (batch.Dropped > 0)
            {
                Noted?.Invoke($"agent on {batch.Host}: {batch.Dropped} results were dropped while the server was unreachable (its spool_limit was reached; the oldest go first)");
            }

            var accepted = 0;
            var duplicates = 0;
            var unknown = new List<string>();
            foreach (var result in batch.Results)
            {
                var id = result.Id;
                if (!_watch.Watches(id))
                {
                    unknown.Add(id);
                    continue;
                }

                if (_lastRun.TryGetValue(id, out var last) && result.At <= last)
                {
                    duplicates++;
                    continue;
                }

                var now = _time.GetUtcNow();
                _lastRun[id] = result.At;
                _watch.Seen(id, now);
                // The agent's clock says when it ran; never later than now, never before what this check already has.
                var at = result.At > now ? now : result.At;
                if (_lastApplied.TryGetValue(id, out var applied) && at < applied)
                {
                    at = applied;
                }

                _lastApplied[id] = at;
                await _scheduler.SubmitAsync(id, result.ToCheckResult(), at, ct);
                accepted++;
            }

            if (unknown.Count > 0)
            {
                Noted?.Invoke($"agent on {batch.Host} sent results of checks not configured with run_on: agent for it: {string.Join(", ", unknown.Distinct())} (ignored; is its slipway.yml the same?)");
            }

            Accepted += accepted;
            return new AgentBatchAnswer { Accepted = accepted, Duplicates = duplicates, Unknown = [.. unknown.Distinct()] };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Gives every check whose agent is silent past its limit an UNKNOWN result; returns how many.</summary>
    public async Task<int> CheckFreshnessAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_closed)
            {
                return 0;
            }

            var now = _time.GetUtcNow();
            var stale = _watch.Stale(now);
            foreach (var check in stale)
            {
                var run = await _scheduler.SubmitAsync(check.Id, CheckResult.Unknown(check.Message), now, ct);
                _lastApplied[check.Id] = now;
                _watch.Reported(check.Id, run.NextDue > now ? run.NextDue : now + TimeSpan.FromSeconds(1));
            }

            return stale.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>No more batches (monitor serve is stopping): one being applied finishes first; later ones are refused.</summary>
    public async Task CloseAsync()
    {
        await _gate.WaitAsync(CancellationToken.None);
        _closed = true;
        _gate.Release();
    }

    public void Dispose() => _gate.Dispose();
}
