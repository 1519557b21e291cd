using System.Text.Json.Serialization;

namespace Slipway.Monitor.Configuration;

/// <summary>An operator's acknowledgement of a check's problem: when, by whom, why.</summary>
public sealed record Acknowledgement(DateTimeOffset At, string? Comment);

/// <summary>
/// A deploy of the check's host, as <c>slipway deploy</c> (and rollback, promote) records it: while it runs the check is
/// in downtime (at most until <see cref="DowntimeUntil"/>, so a deploy that was killed does not silence it for ever);
/// a HARD problem that starts while it runs or within <c>monitor.deploy_window</c> after it ends is attributed to it.
/// </summary>
public sealed record DeployMark(string Stage, DateTimeOffset StartedAt, DateTimeOffset DowntimeUntil)
{
    /// <summary>deploy, rollback or promote.</summary>
    public string Action { get; init; } = "deploy";

    public string? Release { get; init; }

    public string? Commit { get; init; }

    /// <summary>Null while it runs.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>How it ended (succeeded, rolled_back, nothing_changed, incomplete); null while it runs.</summary>
    public string? Result { get; init; }

    /// <summary>Still running at <paramref name="now"/> (and not past its longest downtime).</summary>
    public bool IsRunning(DateTimeOffset now) => FinishedAt is null && DowntimeUntil > now;

    /// <summary>Does a HARD problem that began at <paramref name="hardSince"/> belong to this deploy?</summary>
    public bool Explains(DateTimeOffset hardSince, TimeSpan window) =>
        hardSince >= StartedAt && hardSince <= (FinishedAt ?? DowntimeUntil) + window;
}

/// <summary>
/// What <c>slipway monitor ack|downtime</c> set, by check id (<c>NAME@HOST</c>): acknowledgements and downtime ends.
/// Kept in a small JSON file (<c>LocalState.MonitorMarks</c>, <c>.slipway/monitor-marks.json</c>) for the scheduler to apply by the
/// state machine's rules (docs/monitor.md, "States"), and shown by <c>monitor ls</c>.
/// </summary>
public sealed record MonitorMarks
{
    public Dictionary<string, Acknowledgement> Acknowledged { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, DateTimeOffset> DowntimeUntil { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The last deploy of each check's host (<c>slipway deploy</c> writes it).</summary>
    public Dictionary<string, DeployMark> Deploys { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The downtime end of <paramref name="id"/> when it is still ahead of <paramref name="now"/>.</summary>
    public DateTimeOffset? DowntimeOf(string id, DateTimeOffset now) =>
        DowntimeUntil.TryGetValue(id, out var until) && until > now ? until : null;

    /// <summary>In downtime: set by hand, or a deploy of its host is running.</summary>
    public bool InDowntime(string id, DateTimeOffset now) =>
        DowntimeOf(id, now) is not null || (Deploys.TryGetValue(id, out var deploy) && deploy.IsRunning(now));

    /// <summary>The deploy a HARD problem of <paramref name="id"/> that began at <paramref name="hardSince"/> is attributed to, if any.</summary>
    public DeployMark? DeployBehind(string id, DateTimeOffset? hardSince, TimeSpan window) =>
        hardSince is { } since && Deploys.TryGetValue(id, out var deploy) && deploy.Explains(since, window) ? deploy : null;

    /// <summary>
    /// Loads, changes and saves the file under an exclusive lock (<c>PATH.lock</c>), so a deploy and a <c>monitor ack</c>
    /// at the same moment do not lose each other's change.
    /// </summary>
    /// <remarks>When <c>saveWhen</c> answers false after the change, the file is left as it was (the change found a usage error).</remarks>
    public static async Task<MonitorMarks> UpdateAsync(string path, Action<MonitorMarks> change, CancellationToken ct, Func<bool>? saveWhen = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var held = await LockAsync(path + ".lock", ct);
        var marks = await LoadAsync(path, ct);
        change(marks);
        if (saveWhen?.Invoke() ?? true)
        {
            await marks.SaveAsync(path, ct);
        }

        return marks;
    }

    private static async Task<FileStream> LockAsync(string lockPath, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 200)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
            }
        }
    }

    /// <summary>The marks in <paramref name="path"/>; none when the file does not exist.</summary>
    /// <exception cref="InvalidDataException">The file is not a marks file.</exception>
    public static async Task<MonitorMarks> LoadAsync(string path, CancellationToken ct) =>
        await JsonStateFile.LoadAsync(path, MarksJsonContext.Default.MonitorMarks, "a monitor marks file; remove it to start afresh", ct) ?? new MonitorMarks();

    /// <summary>Writes a new file and renames it over the old one, so a reader never sees half a file.</summary>
    public Task SaveAsync(string path, CancellationToken ct) =>
        JsonStateFile.SaveAsync(path, this, MarksJsonContext.Default.MonitorMarks, ct);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(MonitorMarks))]
internal sealed partial class MarksJsonContext : JsonSerializerContext;
