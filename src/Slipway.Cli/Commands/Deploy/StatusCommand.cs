using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Model;
using Slipway.Deploy.Source;
using Slipway.Remote;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Deploy;

public sealed class StatusSettings : ConfigFileSettings
{
    [CommandOption("--json")]
    [Description("One JSON array: per stage, the live commit, since when, hosts in step, how far behind it is, its processes and open problems.")]
    public bool Json { get; init; }
}

/// <summary>
/// <c>slipway status</c>: for every stage, the live commit, how long it has been live, whether the hosts agree, how far
/// the stage is behind its own branch and behind the stage it is promoted from, the processes that are not RUNNING (asked
/// through the host agent as <c>slipway ps</c> does) and the monitor's open problems.
/// </summary>
public sealed class StatusCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<StatusSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StatusSettings settings, CancellationToken cancellationToken)
    {
        var config = ConfigSource.Load(console, settings.File);
        if (config is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        await using var sessions = new SessionPool(config.Ssh);
        var origin = DeploySource.For(config);
        var manager = new ReleaseManager(sessions, time, RunIdentity.Current());
        var processes = config.Stages.Select(s => ProcessesAsync(config, s, cancellationToken)).ToList();
        var lives = await Task.WhenAll(config.Stages.Select(s => manager.ReadLiveAsync(config, s, cancellationToken)));
        var stageProcesses = await Task.WhenAll(processes);
        if (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }

        var now = time.GetUtcNow();
        var monitor = await MonitorProblems.LoadAsync(console, config, cancellationToken);
        var records = new List<StageStatusRecord>();
        foreach (var ((stage, live), (running, unknown)) in config.Stages.Zip(lives).Zip(stageProcesses))
        {
            var record = await DescribeAsync(config, origin, stage, live, lives, now, cancellationToken);
            records.Add(record with
            {
                Problems = monitor?.For(stage.Name, now) ?? [], MonitorStateAt = monitor?.WrittenAt, Processes = running, ProcessesUnknown = unknown,
            });
        }

        if (settings.Json)
        {
            ConsoleText.Line(console, JsonSerializer.Serialize(records, StatusJson.Default.ListStageStatusRecord));
        }
        else
        {
            Print(records);
        }

        return lives.SelectMany(l => l.Hosts).Any(h => h.Problem == "unreachable") ? ExitCodes.ConnectionFailed
            : records.All(r => r.InStep) ? ExitCodes.Success : ExitCodes.CommandFailed;
    }

    /// <summary>The stage's processes through the host agents; none (and no error) off Linux, where the agent's client is not built.</summary>
    private static async Task<(IReadOnlyList<StageProcessRecord>, IReadOnlyList<ProcessesUnknownRecord>)> ProcessesAsync(
        SlipwayConfig config, StageConfig stage, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
        {
            return ([], []);
        }

        try
        {
            return await StageProcesses.CollectAsync(config, stage, ct);
        }
        catch (Exception e) when (e is Slipway.Recipes.StageTargetException or Slipway.Recipes.RecipeException)
        {
            return ([], [.. stage.Hosts.Select(h => new ProcessesUnknownRecord(h.DisplayName, e.Message))]);
        }
    }

    private static async Task<StageStatusRecord> DescribeAsync(
        SlipwayConfig config, DeploySource origin, StageConfig stage, StageLive live, StageLive[] all, DateTimeOffset now, CancellationToken ct)
    {
        var repo = origin.RepoUrl;
        var source = origin.Resolver();
        var commit = live.MajorityCommit;
        int? behindBranch = null;
        int? behindUpstream = null;
        var upstream = config.Promotions.FirstOrDefault(p => p.To == stage.Name)?.From;
        var notes = new List<string>();
        if (repo is not null && commit is not null)
        {
            try
            {
                var head = await source.HeadAsync(repo, stage.Branch, ct);
                behindBranch = await source.CountAsync(repo, commit, head, ct);
                if (upstream is not null && all.FirstOrDefault(l => l.Stage == upstream)?.MajorityCommit is { } upstreamCommit)
                {
                    behindUpstream = await source.CountAsync(repo, commit, upstreamCommit, ct);
                }
            }
            catch (SourceException e)
            {
                notes.Add("git: " + e.Message);
            }
        }

        notes.AddRange(live.Hosts.Where(h => h.Problem is not null || h.Commit != commit)
            .Select(h => $"{h.Host.DisplayName}: {h.Problem ?? "on " + Short(h.Commit) + " (release " + h.Release + ")"}"));
        return new StageStatusRecord(
            stage.Name, stage.Branch, commit, live.LiveSince ?? live.Hosts.Where(h => h.Commit == commit).Max(h => h.Since),
            live.LiveSince is { } since ? PromotionPlanner.Age(now - since) : null, live.InStep,
            live.Hosts.Count(h => h.Commit is not null && h.Commit == commit), live.Hosts.Count, behindBranch, upstream, behindUpstream, notes);
    }

    private void Print(List<StageStatusRecord> records)
    {
        var width = Math.Max(5, records.Max(r => r.Stage.Length));
        ConsoleText.Line(console, $"{"STAGE".PadRight(width)}  COMMIT   LIVE FOR  HOSTS        BEHIND");
        foreach (var r in records)
        {
            var hosts = r.InStep ? $"{r.HostsOnCommit}/{r.Hosts} in step" : $"{r.HostsOnCommit}/{r.Hosts} OUT OF STEP";
            var behind = new List<string>();
            if (r.BehindBranch is { } b)
            {
                behind.Add(b == 0 ? $"at {r.Branch}" : $"{b} behind {r.Branch}");
            }

            if (r.PromotedFrom is not null)
            {
                behind.Add(r.BehindPromotedFrom is { } u ? (u == 0 ? $"level with {r.PromotedFrom}" : $"{u} behind {r.PromotedFrom}") : $"{r.PromotedFrom}: unknown");
            }

            var line = $"{r.Stage.PadRight(width)}  {Short(r.Commit),-7}  {r.LiveFor ?? "-",-8}  {hosts,-11}  {string.Join(", ", behind)}";
            ConsoleText.Line(console, line, r.InStep ? null : ConsoleText.Red);
            foreach (var note in r.Notes)
            {
                ConsoleText.Line(console, "    " + note, ConsoleText.Yellow);
            }

            foreach (var p in r.Processes.Where(p => p.Problem))
            {
                ConsoleText.Line(console, $"    {p.Host}: process {p.Name} {p.State}{(p.Description.Length > 0 ? " (" + p.Description + ")" : "")}", ConsoleText.Red);
            }

            foreach (var u in r.ProcessesUnknown)
            {
                ConsoleText.Line(console, $"    {u.Host}: processes unknown: {u.Error}", ConsoleText.Yellow);
            }

            foreach (var p in r.Problems)
            {
                var marks = string.Join(", ", new[] { p.Acknowledged ? "acknowledged" : null, p.InDowntime ? "in downtime" : null,
                    p.AfterDeploy is { } d ? d.Describe() : null }.Where(m => m is not null));
                ConsoleText.Line(console, $"    {p.State} {p.Check}{(p.For is { } f ? " for " + f : "")}: {p.Output}{(marks.Length > 0 ? " (" + marks + ")" : "")}",
                    p.Acknowledged || p.InDowntime ? ConsoleText.Yellow : ConsoleText.Red);
            }
        }

        if (records.FirstOrDefault()?.MonitorStateAt is { } at && time.GetUtcNow() - at > MonitorProblems.Stale)
        {
            ConsoleText.Line(console, $"monitor: open problems as of {at.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z (is monitor serve running?)", ConsoleText.Yellow);
        }
    }

    private static string Short(string? commit) => commit is null ? "-" : commit[..Math.Min(7, commit.Length)];
}

internal sealed record StageStatusRecord(
    string Stage, string Branch, string? Commit, DateTimeOffset? LiveSince, string? LiveFor, bool InStep, int HostsOnCommit, int Hosts,
    int? BehindBranch, string? PromotedFrom, int? BehindPromotedFrom, IReadOnlyList<string> Notes)
{
    /// <summary>The stage's open problems: HARD, not OK, from the monitor's state file.</summary>
    public IReadOnlyList<OpenProblemRecord> Problems { get; init; } = [];

    /// <summary>When monitor serve last wrote its state file; null when it never ran here.</summary>
    public DateTimeOffset? MonitorStateAt { get; init; }

    /// <summary>Every supervised process of the stage's hosts (one not RUNNING is a problem: <c>problem: true</c>).</summary>
    public IReadOnlyList<StageProcessRecord> Processes { get; init; } = [];

    /// <summary>Hosts whose processes could not be asked, and why.</summary>
    public IReadOnlyList<ProcessesUnknownRecord> ProcessesUnknown { get; init; } = [];
}

/// <summary>One open problem as <c>slipway status</c> shows it.</summary>
internal sealed record OpenProblemRecord(string Check, string State, DateTimeOffset? Since, string? For, string? Output, bool Acknowledged,
    bool InDowntime, Slipway.Monitor.Alerts.DeployAttribution? AfterDeploy);

/// <summary>The monitor's state file, read for <c>slipway status</c>: its HARD problems, per stage by the checks of that stage's hosts.</summary>
internal sealed class MonitorProblems(Slipway.Monitor.Service.MonitorStateFile file, SlipwayConfig config)
{
    /// <summary>A state file older than this is said to be old (monitor serve rewrites it every second while results come in).</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromMinutes(10);

    public DateTimeOffset WrittenAt => file.WrittenAt;

    /// <summary>Null when there is no state file (monitor serve never ran here) or it cannot be read (a warning says why).</summary>
    public static async Task<MonitorProblems?> LoadAsync(IAnsiConsole console, SlipwayConfig config, CancellationToken ct)
    {
        if (config.Monitor is null)
        {
            return null;
        }

        try
        {
            var file = await Slipway.Monitor.Service.MonitorStateFile.LoadAsync(Slipway.Core.Layout.LocalState.For(config).MonitorState, ct);
            return file is null ? null : new MonitorProblems(file, config);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            ConsoleText.Warning(console, $"cannot read the monitor's state: {e.Message}");
            return null;
        }
    }

    public IReadOnlyList<OpenProblemRecord> For(string stage, DateTimeOffset now)
    {
        var ids = Slipway.Monitor.Configuration.MonitorPlan.Expand(config, stage).Checks.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        return file.Checks.Where(c => c.IsHardProblem && ids.Contains(c.Id))
            .OrderBy(c => c.State == "CRITICAL" ? 0 : c.State == "UNKNOWN" ? 1 : 2).ThenBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => new OpenProblemRecord(c.Id, c.State, c.LastHardStateChange,
                c.LastHardStateChange is { } since ? PromotionPlanner.Age(now - since) : null, c.Output, c.Acknowledged, c.InDowntime, c.AfterDeploy))
            .ToList();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<StageStatusRecord>))]
internal sealed partial class StatusJson : JsonSerializerContext;
