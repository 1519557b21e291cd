namespace Slipway.Monitor.Agent;

/// <summary>A check whose agent has been silent past its limit: how long, and whether it ever sent anything.</summary>
public sealed record StaleCheck(string Id, string Host, TimeSpan Silence)
{
    /// <summary>The UNKNOWN result's text: "no result from agent on web1 for 5m".</summary>
    public string Message => $"no result from agent on {Host} for {FreshnessWatch.Describe(Silence)}";
}

/// <summary>
/// Freshness of <c>run_on: agent</c> checks, as Nagios's freshness checking of passive checks: each check's last
/// result (by the server's clock, when it arrived) plus its limit is a deadline; past it, the check is stale and
/// is given an UNKNOWN result. After such a result the next one is due when the scheduler says the check would next run
/// (its retry_interval while SOFT), so a silent agent turns HARD as a failing check would. A start (of monitor serve)
/// counts as a result: agents get a whole limit to report. Pure; the time is passed in.
/// </summary>
public sealed class FreshnessWatch
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <param name="checks">Each passive check's id (NAME@HOST) and freshness limit.</param>
    /// <param name="start">When watching began.</param>
    public FreshnessWatch(IEnumerable<(string Id, TimeSpan Limit)> checks, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(checks);
        foreach (var (id, limit) in checks)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero);
            _entries[id] = new Entry(limit, start, start + limit);
        }
    }

    /// <summary>The default limit of a check: two intervals and a minute, so one late or lost result is not a problem.</summary>
    public static TimeSpan DefaultLimit(CheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return 2 * options.CheckInterval + TimeSpan.FromMinutes(1);
    }

    /// <summary>"5m", "1h30m", "45s": whole seconds, as slipway.yml writes durations.</summary>
    public static string Describe(TimeSpan span)
    {
        var seconds = (long)Math.Max(1, Math.Round(span.TotalSeconds));
        var (d, h, m, s) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(d > 0 ? d + "d" : "")}{(h > 0 ? h + "h" : "")}{(m > 0 ? m + "m" : "")}{(s > 0 ? s + "s" : "")}");
        return text;
    }

    public bool Watches(string id) => _entries.ContainsKey(id);

    public TimeSpan LimitOf(string id) => _entries[id].Limit;

    /// <summary>A result of <paramref name="id"/> arrived at <paramref name="now"/>.</summary>
    public void Seen(string id, DateTimeOffset now)
    {
        if (_entries.TryGetValue(id, out var e))
        {
            _entries[id] = e with { LastSeen = now, Deadline = now + e.Limit };
        }
    }

    /// <summary>The checks past their deadline at <paramref name="now"/>, in id order.</summary>
    public IReadOnlyList<StaleCheck> Stale(DateTimeOffset now) =>
        [.. _entries.Where(e => e.Value.Deadline <= now).OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new StaleCheck(e.Key, HostOf(e.Key), now - e.Value.LastSeen))];

    /// <summary>A stale result of <paramref name="id"/> was given; the next one is due at <paramref name="next"/> unless a result arrives.</summary>
    public void Reported(string id, DateTimeOffset next)
    {
        if (_entries.TryGetValue(id, out var e))
        {
            _entries[id] = e with { Deadline = next };
        }
    }

    /// <summary>The host of NAME@HOST (check names hold no '@'; a host's display name may).</summary>
    public static string HostOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var at = id.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? "" : id[(at + 1)..];
    }

    private sealed record Entry(TimeSpan Limit, DateTimeOffset LastSeen, DateTimeOffset Deadline);
}
