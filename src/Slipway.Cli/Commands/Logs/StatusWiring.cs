using Slipway.Core.Layout;
using Slipway.Core.Web;
using Slipway.Logs.Releases;
using Slipway.Monitor.Web;

namespace Slipway.Cli.Commands.Logs;

/// <summary>
/// The pages other features add to the one web server of <c>logs serve</c>: the monitor's <c>/status</c> (and its part
/// of <c>/metrics</c>), with each stage's live release from the deploy history.
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
        ];
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
