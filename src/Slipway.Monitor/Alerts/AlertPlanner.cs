using Slipway.Monitor.Plugins;

namespace Slipway.Monitor.Alerts;

/// <summary>
/// What has been told about one check: the HARD problem last alerted (by when it turned HARD, its state, when and how
/// often it was told) and whether it was flapping. Kept in the state file, so a restart neither repeats nor forgets.
/// </summary>
public sealed record AlertTrack
{
    /// <summary>When the problem last alerted turned HARD; null when no problem is open in the alerts.</summary>
    public DateTimeOffset? ProblemSince { get; init; }

    public ServiceState ProblemState { get; init; } = ServiceState.Ok;

    public DateTimeOffset? NotifiedAt { get; init; }

    /// <summary>How many PROBLEM alerts this problem has had (1, then one more per re-notification).</summary>
    public int Number { get; init; }

    public bool Flapping { get; init; }

    public static AlertTrack None { get; } = new();
}

/// <summary>
/// Decides, from each check's current status and what was told before, which alerts to send now. Pure: the status and
/// the time come in, the alerts and the new tracks go out, so every rule is tested on a fake clock.
/// <list type="bullet">
/// <item>A HARD problem (WARNING, CRITICAL, UNKNOWN) is told once it is HARD and nothing silences it: not in downtime, not
/// acknowledged, not flapping. A problem that turned HARD while silenced is told when the silence ends and it is still
/// there (a deploy's downtime ends and the check still fails), unless someone acknowledged it.</item>
/// <item>A change of a HARD problem (WARNING to CRITICAL) is a new problem, told again.</item>
/// <item>While a told problem stays HARD, unacknowledged and out of downtime, it is told again every
/// renotify interval (zero: once).</item>
/// <item>A RECOVERY is sent only for a problem that was told, once the check is OK, out of downtime and not flapping.</item>
/// <item>FLAPPINGSTART and FLAPPINGSTOP are told when flapping starts and stops, except in downtime.</item>
/// </list>
/// </summary>
public static class AlertPlanner
{
    public sealed record Decision(AlertTrack Track, IReadOnlyList<Notification> Notifications);

    public static Decision Decide(string check, CheckStatus status, AlertTrack track, DateTimeOffset now, TimeSpan renotifyInterval,
        DeployAttribution? deploy = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(track);
        var sent = new List<Notification>();
        if (status.IsPending)
        {
            return new Decision(track, sent);
        }

        if (status.IsFlapping != track.Flapping)
        {
            if (!status.InDowntime)
            {
                sent.Add(Make(check, status.IsFlapping ? "FLAPPINGSTART" : "FLAPPINGSTOP", status, status.State, now, 1, null));
            }

            track = track with { Flapping = status.IsFlapping };
        }

        var hardProblem = status.Type == StateType.Hard && status.State != ServiceState.Ok;
        if (hardProblem)
        {
            var silenced = status.InDowntime || status.Acknowledged || status.IsFlapping;
            var since = status.LastHardStateChange;
            if (silenced)
            {
                return new Decision(track, sent);
            }

            if (track.ProblemSince != since || track.NotifiedAt is null)
            {
                sent.Add(Make(check, "PROBLEM", status, ServiceState.Ok, now, 1, deploy) with { PreviousState = PreviousOf(track, status) });
                return new Decision(track with { ProblemSince = since, ProblemState = status.State, NotifiedAt = now, Number = 1 }, sent);
            }

            if (renotifyInterval > TimeSpan.Zero && now - track.NotifiedAt.Value >= renotifyInterval)
            {
                var number = track.Number + 1;
                sent.Add(Make(check, "PROBLEM", status, status.State, now, number, deploy));
                return new Decision(track with { NotifiedAt = now, Number = number }, sent);
            }

            return new Decision(track, sent);
        }

        // OK (a HARD OK: a problem still SOFT, or recovering, has told nothing new).
        if (status.State == ServiceState.Ok && track.ProblemSince is not null && !status.InDowntime && !status.IsFlapping)
        {
            sent.Add(Make(check, "RECOVERY", status, track.ProblemState, now, 1, null) with { Since = track.ProblemSince });
            track = track with { ProblemSince = null, ProblemState = ServiceState.Ok, NotifiedAt = null, Number = 0 };
        }

        return new Decision(track, sent);
    }

    /// <summary>A new problem is told as coming from the last problem told (WARNING to CRITICAL), or from OK.</summary>
    private static ServiceState PreviousOf(AlertTrack track, CheckStatus status) =>
        track.ProblemSince is not null && track.ProblemState != status.State ? track.ProblemState : ServiceState.Ok;

    private static Notification Make(string check, string type, CheckStatus status, ServiceState previous, DateTimeOffset now, int number,
        DeployAttribution? deploy) => new()
    {
        Type = type,
        Check = check,
        State = status.State,
        PreviousState = previous,
        StateType = status.Type,
        Attempt = status.Attempt,
        At = now,
        Since = status.LastHardStateChange,
        Number = number,
        Output = status.LastResult?.Output ?? "",
        LongOutput = status.LastResult?.LongOutput,
        PerfData = status.LastResult is { } result ? PerfDataFormatter.Format(result.PerfData) : "",
        Deploy = deploy,
    };
}
