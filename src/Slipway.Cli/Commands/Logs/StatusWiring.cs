using Slipway.Cli.Commands.Queue;
using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Core.Web;
using Slipway.Logs.Releases;
using Slipway.Monitor.Storage;
using Slipway.Monitor.Web;
using Slipway.Queue;
using Slipway.Queue.Web;

namespace Slipway.Cli.Commands.Logs;

/// <summary>
/// The pages other features add to the one web server of <c>logs serve</c>: the monitor's <c>/status</c> (and its part
/// of <c>/metrics</c>), with each stage's live release from the deploy history and its processes from the hosts, and the
/// job queue's <c>/queue</c>.
/// </summary>
internal static class StatusWiring
{
    public static IReadOnlyList<IWebPart> Parts(LogsSection section, TimeProvider time)
    {
        if (section.Config is not { } config)
        {
            return []; // no slipway.yml: no checks nor stages to show
        }

        var state = LocalState.For(config);
        var stages = config.Stages.Select(s => s.Name).ToList();
        var history = section.DeployHistory;
        var processes = OperatingSystem.IsLinux() ? new ProcessStatesCache(config, time) : null;
        return
        [
            new StatusPart(new StatusSources
            {
                StatePath = state.MonitorState,
                HistoryDb = HistoryLocation.Resolve(null, config),
                Stages = async ct =>
                {
                    var live = LiveReleases(stages, DeployTimeline.Load(history), time.GetUtcNow());
                    if (processes is null || !OperatingSystem.IsLinux())
                    {
                        return live;
                    }

                    return WithProcesses(live, await processes.GetAsync(ct));
                },
            }, time),
            .. QueuePage(config, time),
        ];
    }

    /// <summary>
    /// The queue's page (<c>/queue</c>) on the store of slipway.yml's <c>queue:</c> section (or its default), with its
    /// limits; none when the section's URL names an engine this Slipway cannot open (config check reports that).
    /// </summary>
    private static IEnumerable<IWebPart> QueuePage(SlipwayConfig config, TimeProvider time)
    {
        var section = config.Queue ?? QueueConfig.DefaultFor(config.SourceFile);
        var queue = new QueueSection(section, section.Url);
        if (QueueEngineFactory.Problem(queue.Url) is not null)
        {
            yield break;
        }

        var options = queue.EngineOptions();
        yield return new QueuePart(new QueuePageSources
        {
            Open = () => QueueEngineFactory.Open(queue.Url, options, time),
            SqliteFile = QueueEngineFactory.SqliteFile(queue.Url),
            ShownUrl = queue.ShownUrl,
            ConcurrencyLimits = options.ConcurrencyLimits,
            RateLimits = options.RateLimits,
        }, time);
    }

    /// <summary>
    /// The stages with their processes as last collected; while the first round of SSH sessions still runs, a note says so.
    /// </summary>
    internal static IReadOnlyList<StageFacts> WithProcesses(IReadOnlyList<StageFacts> stages, IReadOnlyDictionary<string, StageProcessStates>? states) =>
    [
        .. stages.Select(s => states is null ? s with { Note = Join(s.Note, "process states: being collected from the hosts") }
            : states.TryGetValue(s.Stage, out var c) ? s with { Processes = c.Processes, Note = Join(s.Note, c.Unknown.Count == 0 ? null : string.Join("; ", c.Unknown)) }
            : s),
    ];

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : a + "; " + b;

    /// <summary>Each stage's newest successful deploy or rollback in this machine's history, in slipway.yml's order.</summary>
    internal static IReadOnlyList<StageFacts> LiveReleases(IReadOnlyList<string> stages, DeployTimeline timeline, DateTimeOffset now)
    {
        var live = timeline.LiveAt(now);
        return
        [
            .. stages.Select(stage => live.FirstOrDefault(m => m.Stage == stage) is { } m
                ? new StageFacts(stage, m.Release, m.Commit, m.Finished, m.User)
                : new StageFacts(stage, null, null, null, null) { Note = "no deploy in this machine's history (.slipway/history.jsonl)" }),
        ];
    }
}
