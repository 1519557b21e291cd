using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Slipway.Monitor.Alerts;

/// <summary>The release a problem is attributed to: the deploy of its host that ran when it began, or just before.</summary>
public sealed record DeployAttribution(string Stage, string Action, string? Release, string? Commit, DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt, string? Result)
{
    /// <summary>"after deploy of release 20261205132000 (abc1234) to production, ended 13:20:30Z".</summary>
    public string Describe()
    {
        var what = Release is null ? $"{Action} to {Stage}" : $"{Action} of release {Release}{(Commit is { Length: > 0 } c ? " (" + c[..Math.Min(7, c.Length)] + ")" : "")} to {Stage}";
        return FinishedAt is { } end
            ? $"after {what}, ended {end.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z ({Result ?? "?"})"
            : $"during {what}, started {StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z";
    }
}

/// <summary>
/// One alert to send: PROBLEM, RECOVERY, FLAPPINGSTART or FLAPPINGSTOP (Nagios's notification types) for one check,
/// with what the channels show. <see cref="Key"/> is the same for the same alert however often it is planned, and
/// differs for a re-notification (its <see cref="Number"/>).
/// </summary>
public sealed record Notification
{
    public required string Type { get; init; }

    /// <summary>NAME@HOST.</summary>
    public required string Check { get; init; }

    public required ServiceState State { get; init; }

    /// <summary>The state told before (OK for a new problem; the problem's state for a recovery).</summary>
    public required ServiceState PreviousState { get; init; }

    public required StateType StateType { get; init; }

    public required int Attempt { get; init; }

    /// <summary>When it was decided.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>When the problem turned HARD (the episode it belongs to).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>1 for the first alert of a problem, 2 for the first re-notification, and so on.</summary>
    public int Number { get; init; } = 1;

    public string Output { get; init; } = "";

    public string? LongOutput { get; init; }

    public string PerfData { get; init; } = "";

    public DeployAttribution? Deploy { get; init; }

    [JsonIgnore]
    public string Name => Check.IndexOf('@', StringComparison.Ordinal) is var at and > 0 ? Check[..at] : Check;

    [JsonIgnore]
    public string Host => Check.IndexOf('@', StringComparison.Ordinal) is var at and > 0 ? Check[(at + 1)..] : "";

    [JsonIgnore]
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Check} {Type} {Since:O} #{Number}");

    /// <summary>** PROBLEM: web_port@web1 is CRITICAL **</summary>
    [JsonIgnore]
    public string Subject => Type switch
    {
        "PROBLEM" => $"** PROBLEM: {Check} is {State.Label()} **",
        "RECOVERY" => $"** RECOVERY: {Check} is {State.Label()} **",
        "FLAPPINGSTART" => $"** FLAPPING START: {Check} is flapping **",
        _ => $"** FLAPPING STOP: {Check} stopped flapping **",
    };

    /// <summary>The plain-text body: what, where, since when, the output, and the release it follows.</summary>
    public string ToText()
    {
        static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Notification: {Type}{(Number > 1 ? $" (again, #{Number})" : "")}\n");
        text.Append(CultureInfo.InvariantCulture, $"Check: {Name}\nHost: {Host}\n");
        text.Append(CultureInfo.InvariantCulture, $"State: {State.Label()} (was {PreviousState.Label()}), {StateType.ToString().ToUpperInvariant()}\n");
        if (Since is { } since)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(Type == "RECOVERY" ? "Problem began" : "Since")}: {Time(since)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Time: {Time(At)}\n");
        if (Deploy is { } deploy)
        {
            text.Append(CultureInfo.InvariantCulture, $"Release: {deploy.Describe()}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nOutput: {Output}\n");
        if (!string.IsNullOrEmpty(LongOutput))
        {
            text.Append(LongOutput).Append('\n');
        }

        if (PerfData.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Perfdata: {PerfData}\n");
        }

        return text.ToString();
    }
}
