using Slipway.Monitor.Scheduling;

namespace Slipway.Monitor.Tests.Support;

/// <summary>A check that returns the given states in order (then the last one again) and records when it ran.</summary>
internal sealed class ScriptedCheck(TimeProvider time, params ServiceState[] states) : ICheck
{
    private readonly Lock _gate = new();
    private int _next;

    public List<DateTimeOffset> Runs { get; } = [];

    /// <summary>When set, each run waits for it (to hold runs open and fill the concurrency slots).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public async Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct)
    {
        ServiceState state;
        lock (_gate)
        {
            Runs.Add(time.GetUtcNow());
            state = states[Math.Min(_next++, states.Length - 1)];
        }

        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(ct);
        }

        return new CheckResult { State = state, Output = state.Label() };
    }
}

/// <summary>Keeps every finished run.</summary>
internal sealed class ListSink : ICheckRunSink
{
    private readonly List<CheckRun> _runs = [];

    public IReadOnlyList<CheckRun> Runs
    {
        get
        {
            lock (_runs)
            {
                return [.. _runs];
            }
        }
    }

    public ValueTask RecordAsync(CheckRun run, CancellationToken ct)
    {
        lock (_runs)
        {
            _runs.Add(run);
        }

        return ValueTask.CompletedTask;
    }
}
