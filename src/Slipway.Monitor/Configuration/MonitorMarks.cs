using System.Text.Json.Serialization;

namespace Slipway.Monitor.Configuration;

/// <summary>An operator's acknowledgement of a check's problem: when, by whom, why.</summary>
public sealed record Acknowledgement(DateTimeOffset At, string? Comment);

/// <summary>
/// What <c>slipway monitor ack|downtime</c> set, by check id (<c>NAME@HOST</c>): acknowledgements and downtime ends.
/// Kept in a small JSON file (<c>LocalState.MonitorMarks</c>, <c>.slipway/monitor-marks.json</c>) for the scheduler to apply by the
/// state machine's rules (docs/monitor.md, "States"), and shown by <c>monitor ls</c>.
/// </summary>
public sealed record MonitorMarks
{
    public Dictionary<string, Acknowledgement> Acknowledged { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, DateTimeOffset> DowntimeUntil { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The downtime end of <paramref name="id"/> when it is still ahead of <paramref name="now"/>.</summary>
    public DateTimeOffset? DowntimeOf(string id, DateTimeOffset now) =>
        DowntimeUntil.TryGetValue(id, out var until) && until > now ? until : null;

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
