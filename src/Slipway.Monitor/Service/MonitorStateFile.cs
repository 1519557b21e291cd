using System.Text.Json.Serialization;
using Slipway.Monitor.Alerts;

namespace Slipway.Monitor.Service;

/// <summary>One check's current state as <c>monitor serve</c> last wrote it; what <c>slipway status</c> reads, and what a restarted <c>monitor serve</c> starts from.</summary>
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
    /// <summary>When the current HARD state began (the problem's start, for a HARD problem).</summary>
    public DateTimeOffset? LastHardStateChange { get; init; }

    public string? LastHardState { get; init; }

    public string? LongOutput { get; init; }

    /// <summary>OK results in a row of a HARD problem waiting for recover_after of them.</summary>
    public int OkStreak { get; init; }

    public double PercentStateChange { get; init; }

    /// <summary>The flap detection's recorded states, oldest first.</summary>
    public IReadOnlyList<string>? History { get; init; }

    /// <summary>What the alerts told about this check (so a restart neither repeats nor forgets an alert).</summary>
    public AlertTrackRecord? Alert { get; init; }

    /// <summary>The deploy this HARD problem is attributed to (it began during it or within monitor.deploy_window after).</summary>
    public DeployAttribution? AfterDeploy { get; init; }

    /// <summary>A confirmed problem nobody has taken yet: HARD, not OK.</summary>
    [JsonIgnore]
    public bool IsHardProblem => StateType == "HARD" && State is not ("OK" or "PENDING");
}

/// <summary><see cref="AlertTrack"/> as the state file keeps it.</summary>
public sealed record AlertTrackRecord(DateTimeOffset? ProblemSince, string ProblemState, DateTimeOffset? NotifiedAt, int Number, bool Flapping);

/// <summary>
/// <c>.slipway/monitor-state.json</c>: every check's state, written by <c>monitor serve</c> whole and renamed into place
/// (at once after a state change, otherwise at most every 10 s, and when it stops), so a reader never sees half a file.
/// </summary>
public sealed record MonitorStateFile(DateTimeOffset WrittenAt, IReadOnlyList<CheckStateRecord> Checks)
{
    public static MonitorStateFile From(IReadOnlyDictionary<string, CheckStatus> statuses,
        IReadOnlyDictionary<string, DateTimeOffset> nextDue, DateTimeOffset now,
        IReadOnlyDictionary<string, AlertTrack>? alerts = null, Func<string, CheckStatus, DeployAttribution?>? attribution = null)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(nextDue);
        var checks = statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s =>
        {
            var (id, status) = (s.Key, s.Value);
            var track = alerts is not null && alerts.TryGetValue(id, out var t) && t != AlertTrack.None ? t : null;
            return new CheckStateRecord(
                id,
                status.IsPending ? "PENDING" : status.State.Label(),
                status.Type.ToString().ToUpperInvariant(),
                status.Attempt,
                status.LastCheck,
                status.LastStateChange,
                nextDue.TryGetValue(id, out var next) ? next : null,
                status.LastResult?.Output,
                status.Acknowledged,
                status.InDowntime,
                status.IsFlapping)
            {
                LastHardStateChange = status.LastHardStateChange,
                LastHardState = status.LastHardState.Label(),
                LongOutput = string.IsNullOrEmpty(status.LastResult?.LongOutput) ? null : status.LastResult.LongOutput,
                OkStreak = status.OkStreak,
                PercentStateChange = Math.Round(status.PercentStateChange, 2),
                History = status.History == FlapHistory.Empty ? null : [.. status.History.States.Select(h => h.Label())],
                Alert = track is null ? null : new AlertTrackRecord(track.ProblemSince, track.ProblemState.Label(), track.NotifiedAt, track.Number, track.Flapping),
                AfterDeploy = status.Type == StateType.Hard && status.State != ServiceState.Ok ? attribution?.Invoke(id, status) : null,
            };
        }).ToList();
        return new MonitorStateFile(now, checks);
    }

    /// <summary>The status a check had when this file was written; null for a check that had no result yet.</summary>
    public static CheckStatus? ToStatus(CheckStateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.State == "PENDING" || Parse(record.State) is not { } state)
        {
            return null;
        }

        return new CheckStatus
        {
            State = state,
            Type = record.StateType == "SOFT" ? StateType.Soft : StateType.Hard,
            Attempt = Math.Max(1, record.Attempt),
            LastHardState = Parse(record.LastHardState) ?? (record.StateType == "HARD" ? state : ServiceState.Ok),
            OkStreak = record.OkStreak,
            LastResult = new CheckResult { State = state, Output = record.Output ?? "", LongOutput = record.LongOutput ?? "" },
            LastCheck = record.LastCheck,
            LastStateChange = record.LastStateChange,
            LastHardStateChange = record.LastHardStateChange,
            History = record.History is { } history ? FlapHistory.From(history.Select(h => Parse(h) ?? ServiceState.Ok)) : FlapHistory.Empty,
            PercentStateChange = record.PercentStateChange,
            IsFlapping = record.Flapping,
            // Acknowledgements and downtime come from the marks file, applied again after the restart.
        };
    }

    /// <summary>The alerts' record of a check read back; <see cref="AlertTrack.None"/> when it had none.</summary>
    public static AlertTrack ToTrack(CheckStateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Alert is { } a
            ? new AlertTrack { ProblemSince = a.ProblemSince, ProblemState = Parse(a.ProblemState) ?? ServiceState.Ok, NotifiedAt = a.NotifiedAt, Number = a.Number, Flapping = a.Flapping }
            : AlertTrack.None with { Flapping = record.Flapping };
    }

    private static ServiceState? Parse(string? label) => label switch
    {
        "OK" => ServiceState.Ok,
        "WARNING" => ServiceState.Warning,
        "CRITICAL" => ServiceState.Critical,
        "UNKNOWN" => ServiceState.Unknown,
        _ => null,
    };

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
