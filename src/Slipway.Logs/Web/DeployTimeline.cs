using System.Text.Json;

namespace Slipway.Logs.Web;

/// <summary>One deploy or rollback as Slipway's deploy history records it (only the fields the browser shows).</summary>
public sealed record DeployMark(DateTimeOffset Finished, string Stage, string Action, string? Release, string? Commit, string User);

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
                    Text(e, "release"), Text(e, "commit"), Text(e, "user") ?? "?"));
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

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
