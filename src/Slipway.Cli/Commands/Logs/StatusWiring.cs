using Slipway.Cli.Commands.Queue;
using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Core.Web;
using Slipway.Logs.Releases;
using Slipway.Monitor.Web;
using Slipway.Queue;
using Slipway.Queue.Web;

namespace Slipway.Cli.Commands.Logs;

/// <summary>
/// The pages other features add to the one web server of <c>logs serve</c>: the monitor's <c>/status</c> (and its part
/// of <c>/metrics</c>), with each stage's live release from the deploy history, and the job queue's <c>/queue</c>.
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
        return
        [
            new StatusPart(new StatusSources
            {
                StatePath = state.MonitorState,
                HistoryDb = state.MonitorDb,
                Stages = _ => Task.FromResult(LiveReleases(stages, DeployTimeline.Load(history), time.GetUtcNow())),
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

    /// <summary>Each stage's newest successful deploy or rollback in this machine's history, in slipway.yml's order.</summary>
    internal static IReadOnlyList<StageFacts> LiveReleases(IReadOnlyList<string> stages, DeployTimeline timeline, DateTimeOffset now)
    {
        var live = timeline.LiveAt(now);
        return
        [
            .. stages.Select(stage => live.FirstOrDefault(m => m.Stage == stage) is { } m
                ? new StageFacts(stage, m.Release, m.Commit, m.Finished, m.User) { Note = ProcessNote }
                : new StageFacts(stage, null, null, null, null) { Note = "no deploy in this machine's history (.slipway/history.jsonl)" }),
        ];
    }

    /// <summary>Said on the page until process states reach this server (docs/monitor.md, "Still to come").</summary>
    private const string ProcessNote = "process states: see slipway agent supervisor status on the hosts (not collected here yet)";
}
