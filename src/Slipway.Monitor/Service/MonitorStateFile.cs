using System.Text.Json.Serialization;

namespace Slipway.Monitor.Service;

/// <summary>One check's current state as <c>monitor serve</c> last wrote it; what <c>slipway status</c> reads.</summary>
public sealed record CheckStateRecord(
    string Id,
    string State,
    string StateType,
    int Attempt,
    DateTimeOffset? LastCheck,
    DateTimeOffset? LastStateChange,
    DateTimeOffset? NextCheck,
    string? Output,
    bool Acknowledged,
    bool InDowntime,
    bool Flapping)
{
    /// <summary>A confirmed problem nobody has taken yet: HARD, not OK.</summary>
    [JsonIgnore]
    public bool IsHardProblem => StateType == "HARD" && State is not ("OK" or "PENDING");
}

/// <summary>
/// <c>.slipway/monitor-state.json</c>: every check's state, written by <c>monitor serve</c> whole and renamed into place
/// (at most once a second while results come in, and when it stops), so a reader never sees half a file.
/// </summary>
public sealed record MonitorStateFile(DateTimeOffset WrittenAt, IReadOnlyList<CheckStateRecord> Checks)
{
    public static MonitorStateFile From(IReadOnlyDictionary<string, CheckStatus> statuses,
        IReadOnlyDictionary<string, DateTimeOffset> nextDue, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(nextDue);
        var checks = statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new CheckStateRecord(
            s.Key,
            s.Value.IsPending ? "PENDING" : s.Value.State.Label(),
            s.Value.Type.ToString().ToUpperInvariant(),
            s.Value.Attempt,
            s.Value.LastCheck,
            s.Value.LastStateChange,
            nextDue.TryGetValue(s.Key, out var next) ? next : null,
            s.Value.LastResult?.Output,
            s.Value.Acknowledged,
            s.Value.InDowntime,
            s.Value.IsFlapping)).ToList();
        return new MonitorStateFile(now, checks);
    }

    /// <summary>The file at <paramref name="path"/>, or null when there is none (monitor serve never ran here).</summary>
    /// <exception cref="InvalidDataException">The file is not a state file.</exception>
    public static Task<MonitorStateFile?> LoadAsync(string path, CancellationToken ct) =>
        JsonStateFile.LoadAsync(path, StateJsonContext.Default.MonitorStateFile, "a monitor state file", ct);

    public Task SaveAsync(string path, CancellationToken ct) =>
        JsonStateFile.SaveAsync(path, this, StateJsonContext.Default.MonitorStateFile, ct);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(MonitorStateFile))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
