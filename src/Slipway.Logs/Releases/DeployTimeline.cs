using System.Text.Json;

namespace Slipway.Logs.Releases;

/// <summary>One deploy or rollback as Slipway's deploy history records it (only the fields the logs feature shows).</summary>
public sealed record DeployMark(DateTimeOffset Finished, string Stage, string Action, string? Release, string? Commit, string User)
{
    /// <summary>The hosts the run switched, as the config names them (<c>web1</c>, <c>deploy@web1.example.com:2222</c>).</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>"release 20261104 (commit ddddddd, deployed by alice at 2026-11-04 10:00 UTC)".</summary>
    public string Describe()
    {
        var commit = Commit is null ? "" : $"commit {Commit[..Math.Min(7, Commit.Length)]}, ";
        var how = Action == "rollback" ? "rolled back to" : "deployed";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"release {Release ?? "?"} ({commit}{how} by {User} at {Finished.UtcDateTime:yyyy-MM-dd HH:mm} UTC)");
    }
}

/// <summary>A release live on a stage from <see cref="DeployMark.Finished"/> of <paramref name="From"/> until <paramref name="Until"/> (null: still live).</summary>
public sealed record ReleaseWindow(DeployMark From, DateTimeOffset? Until);

/// <summary>
/// The deploy history (<c>.slipway/history.jsonl</c> next to slipway.yml) read as a timeline, so a traceback group can say
/// which release each stage was running when it first appeared. Read with its own small parser: the logs feature does not
/// depend on the deploy feature, only on the file's documented JSON lines. Pure apart from <see cref="Load"/>.
/// </summary>
public sealed class DeployTimeline(IReadOnlyList<DeployMark> marks)
{
    public IReadOnlyList<DeployMark> Marks { get; } = [.. marks.OrderBy(m => m.Finished)];

    /// <summary>The history in a file; empty when the file is missing or unreadable (the browser must not fail over it).</summary>
    public static DeployTimeline Load(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return new DeployTimeline([]);
        }

        try
        {
            return Parse(File.ReadLines(path));
        }
        catch (IOException)
        {
            return new DeployTimeline([]);
        }
    }

    /// <summary>Successful deploys and rollbacks; other lines (failed runs, damaged lines) are skipped.</summary>
    public static DeployTimeline Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var marks = new List<DeployMark>();
        foreach (var line in lines)
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                if (Text(e, "result") != "succeeded" || Text(e, "action") is not ("deploy" or "rollback") ||
                    !e.TryGetProperty("started", out var started) || !started.TryGetDateTimeOffset(out var start))
                {
                    continue;
                }

                var duration = e.TryGetProperty("duration_ms", out var d) && d.TryGetInt64(out var ms) ? ms : 0;
                marks.Add(new DeployMark(start.AddMilliseconds(duration), Text(e, "stage") ?? "?", Text(e, "action")!,
                    Text(e, "release"), Text(e, "commit"), Text(e, "user") ?? "?") { Hosts = Strings(e, "hosts") });
            }
            catch (JsonException)
            {
                // A damaged line is one lost mark, not a broken page.
            }
        }

        return new DeployTimeline(marks);
    }

    /// <summary>Per stage, the last deploy or rollback finished at or before <paramref name="time"/>: what was live then.</summary>
    public IReadOnlyList<DeployMark> LiveAt(DateTimeOffset time) =>
        [.. Marks.Where(m => m.Finished <= time).GroupBy(m => m.Stage, StringComparer.Ordinal).Select(g => g.Last()).OrderBy(m => m.Stage, StringComparer.Ordinal)];

    /// <summary>
    /// When <paramref name="release"/> was live: from each deploy or rollback that made it live on a stage until the next
    /// one on that stage finished (null: still live). A release name may be live more than once (a rollback to it).
    /// </summary>
    public IReadOnlyList<ReleaseWindow> LiveWindows(string release, string? stage = null)
    {
        ArgumentNullException.ThrowIfNull(release);
        var windows = new List<ReleaseWindow>();
        foreach (var byStage in Marks.Where(m => stage is null || m.Stage == stage).GroupBy(m => m.Stage, StringComparer.Ordinal))
        {
            var marks = byStage.ToList();
            for (var i = 0; i < marks.Count; i++)
            {
                if (marks[i].Release == release)
                {
                    windows.Add(new ReleaseWindow(marks[i], i + 1 < marks.Count ? marks[i + 1].Finished : null));
                }
            }
        }

        return windows;
    }

    /// <summary>
    /// The stage a log event's host belongs to: the stage whose newest deploy switched a host of that name (compared
    /// without user, port or domain: syslog sends <c>web1</c> for <c>deploy@web1.example.com:22</c>). When no stage names
    /// the host and the history holds one stage only, that stage (a one-stage site whose hosts log under other names).
    /// </summary>
    public string? StageOf(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var byStage = Marks.GroupBy(m => m.Stage, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var named = byStage.Where(m => m.Hosts.Any(h => HostNames.Same(h, host))).OrderByDescending(m => m.Finished).FirstOrDefault();
        return named?.Stage ?? (byStage.Count == 1 ? byStage[0].Stage : null);
    }

    /// <summary>The deploy or rollback that made what <paramref name="stage"/> ran at <paramref name="time"/> live; null before its first.</summary>
    public DeployMark? LiveOn(string stage, DateTimeOffset time) =>
        Marks.LastOrDefault(m => m.Stage == stage && m.Finished <= time);

    /// <summary>Deploys and rollbacks that finished in [<paramref name="since"/>, <paramref name="until"/>).</summary>
    public IReadOnlyList<DeployMark> Between(DateTimeOffset since, DateTimeOffset until) =>
        [.. Marks.Where(m => m.Finished >= since && m.Finished < until)];

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static IReadOnlyList<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];
}
