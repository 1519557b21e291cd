using System.Runtime.Versioning;
using Slipway.Cli.Commands.Deploy;
using Slipway.Core.Config;
using Slipway.Monitor.Web;

namespace Slipway.Cli.Commands.Logs;

/// <summary>What the page shows of one stage's processes: every process, and the hosts that could not be asked.</summary>
internal sealed record StageProcessStates(IReadOnlyList<ProcessFacts> Processes, IReadOnlyList<string> Unknown);

/// <summary>
/// The stages' process states for the status page, asked from the hosts' supervisors through the host agent (over SSH,
/// as <c>slipway ps</c>) at most once per <see cref="MaxAge"/>: a page load never starts more than one round of SSH
/// sessions, and waits for one at most <see cref="MaxWait"/> before it shows what it had (a slow or unreachable host
/// does not hold the page).
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class ProcessStatesCache(SlipwayConfig config, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Task<Dictionary<string, StageProcessStates>>? _refresh;
    private Dictionary<string, StageProcessStates>? _last;
    private DateTimeOffset _lastAt;

    /// <summary>The newest states by stage; null when none has come back yet (the first round still runs).</summary>
    public async Task<IReadOnlyDictionary<string, StageProcessStates>?> GetAsync(CancellationToken ct)
    {
        Task<Dictionary<string, StageProcessStates>> refresh;
        lock (_gate)
        {
            if (_last is not null && time.GetUtcNow() - _lastAt < MaxAge)
            {
                return _last;
            }

            // One round at a time, not tied to this request: a page closed mid-way does not cancel what the next one needs.
            if (_refresh is null || _refresh.IsCompleted)
            {
                _refresh = Task.Run(CollectAsync, CancellationToken.None);
            }

            refresh = _refresh;
        }

        try
        {
            await refresh.WaitAsync(MaxWait, time, ct);
        }
        catch (TimeoutException)
        {
            // shown next time; meanwhile the last known states (or none)
        }

        lock (_gate)
        {
            return _last;
        }
    }

    private async Task<Dictionary<string, StageProcessStates>> CollectAsync()
    {
        var result = new Dictionary<string, StageProcessStates>(StringComparer.Ordinal);
        try
        {
            foreach (var stage in config.Stages)
            {
                try
                {
                    var (processes, unknown) = await StageProcesses.CollectAsync(config, stage, CancellationToken.None);
                    result[stage.Name] = new StageProcessStates(
                        [.. processes.Select(p => new ProcessFacts(p.Host, p.Name, p.State, p.Description.Length > 0 ? p.Description : null))],
                        [.. unknown.Select(u => $"{u.Host}: processes unknown: {u.Error}")]);
                }
                catch (Exception e) when (e is Slipway.Recipes.StageTargetException or Slipway.Recipes.RecipeException)
                {
                    result[stage.Name] = new StageProcessStates([], [$"processes unknown: {e.Message}"]);
                }
            }

            return result;
        }
        finally
        {
            lock (_gate)
            {
                _last = result;
                _lastAt = time.GetUtcNow();
            }
        }
    }
}
