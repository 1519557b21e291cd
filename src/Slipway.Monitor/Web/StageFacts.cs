namespace Slipway.Monitor.Web;

/// <summary>What the status page shows of a stage next to its checks: the live release and the processes.</summary>
public sealed record StageFacts(string Stage, string? Release, string? Commit, DateTimeOffset? LiveSince, string? DeployedBy)
{
    /// <summary>The processes per host as the hosts' supervisors last reported them; empty when unknown.</summary>
    public IReadOnlyList<ProcessFacts> Processes { get; init; } = [];

    /// <summary>Why something is missing (no deploy history, a host unreachable), shown as is.</summary>
    public string? Note { get; init; }
}

/// <summary>One supervised process: its host, name and supervisor state (<c>RUNNING</c>, <c>FATAL</c>…).</summary>
public sealed record ProcessFacts(string Host, string Name, string State, string? Detail = null);

/// <summary>Where the status page and <c>/metrics</c> read from; the CLI fills it from slipway.yml.</summary>
public sealed record StatusSources
{
    /// <summary><c>.slipway/monitor-state.json</c>, as <c>monitor serve</c> writes it.</summary>
    public required string StatePath { get; init; }

    /// <summary>The results history (a SQLite path or a server URL, <see cref="Storage.HistoryLocation"/>) for perfdata and the graphs; null or missing: no graphs.</summary>
    public string? HistoryDb { get; init; }

    /// <summary>The stages' live releases and processes; null: the page has no stage section.</summary>
    public Func<CancellationToken, Task<IReadOnlyList<StageFacts>>>? Stages { get; init; }

    /// <summary>Results per check drawn in the overview's sparklines.</summary>
    public int SparklinePoints { get; init; } = 60;

    /// <summary>A state file older than this is shown as stale (monitor serve has stopped or hangs).</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromMinutes(2);
}
