namespace Slipway.Supervisor.Client;

/// <summary>
/// Polls getAllProcessInfo until <see cref="StartupJudge"/> says the selected processes are RUNNING or have failed.
/// The clock is injected so tests can drive time.
/// </summary>
public sealed class ProcessWaiter(TimeProvider time, TimeSpan? interval = null)
{
    private readonly TimeSpan _interval = interval ?? TimeSpan.FromMilliseconds(250);

    public async Task<Judgement> WaitAsync(
        Func<CancellationToken, Task<IReadOnlyList<ProcessInfo>>> poll, IReadOnlyCollection<string> selectors, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(poll);
        ArgumentNullException.ThrowIfNull(selectors);
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var judgement = StartupJudge.Judge(await poll(ct), selectors, time.GetUtcNow(), deadline);
            if (judgement.Verdict != Verdict.Waiting || selectors.Count == 0)
            {
                return judgement;
            }

            await Task.Delay(_interval, time, ct);
        }
    }
}
