namespace Slipway.Monitor.Checks;

/// <summary>
/// What the built-ins that look at other parts of Slipway read, each through a small port the composition root (the
/// CLI) fills with the owning feature's public interface: the supervise daemon's XML-RPC, the queue engine, the logs
/// store, the hosts' <c>current</c> and the deploy history. The monitor never references those features. A source
/// that is not given makes its checks UNKNOWN (<c>(… not available here)</c>).
/// </summary>
public sealed record CheckSources
{
    public static CheckSources None { get; } = new();

    public IProcessStates? Processes { get; init; }

    public IQueueMeter? Queues { get; init; }

    public ILogErrorCounter? LogErrors { get; init; }

    public ILiveReleases? Releases { get; init; }

    public IRemotePlugins? Remote { get; init; }
}

/// <summary>A source could not answer (the daemon, database or host is unreachable); the message says why, for the output.</summary>
public sealed class CheckSourceException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One supervised process as <c>supervisor.getAllProcessInfo</c> describes it (what <c>supervisorctl status</c> prints).</summary>
/// <param name="Name">supervisorctl's name: <c>group:name</c>, or <c>name</c> when the two are the same.</param>
/// <param name="Group">The program (group) it belongs to.</param>
/// <param name="State">RUNNING, STARTING, BACKOFF, STOPPED, EXITED, FATAL, STOPPING or UNKNOWN.</param>
/// <param name="Description">supervisorctl's description (<c>pid 123, uptime 0:01:02</c>, <c>Exited too quickly</c>).</param>
public sealed record ProcessStatus(string Name, string Group, string State, string Description);

/// <summary>The processes of a supervise daemon (or supervisord), asked over its XML-RPC socket.</summary>
public interface IProcessStates
{
    /// <param name="socket">A unix socket path, <c>unix:///path</c> or <c>http://host:port</c>.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="CheckSourceException">The daemon cannot be reached or answered with a fault.</exception>
    Task<IReadOnlyList<ProcessStatus>> ReadAsync(string socket, CancellationToken ct);
}

/// <summary>A queue's ready jobs and how long the oldest of them has waited (null when none is ready).</summary>
public sealed record QueueMeasure(long Ready, TimeSpan? OldestReadyAge);

/// <summary>The job queue's statistics, through its engine.</summary>
public interface IQueueMeter
{
    /// <exception cref="CheckSourceException">The queue's database cannot be read.</exception>
    Task<QueueMeasure> ReadAsync(string queue, CancellationToken ct);
}

/// <summary>Events of severity err or worse counted per sending host and program.</summary>
public sealed record LogErrorCount(string Host, string Program, long Count);

/// <summary>The central logs store's error counts.</summary>
public interface ILogErrorCounter
{
    /// <summary>Events of severity err or worse received in [since, until).</summary>
    /// <exception cref="CheckSourceException">The logs store cannot be read.</exception>
    Task<IReadOnlyList<LogErrorCount>> CountAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct);
}

/// <summary>
/// A host's live release against the deploy history: <see cref="Current"/> is the release its <c>current</c> link
/// points to (null: none), <see cref="Expected"/> the release of the stage's newest successful deploy or rollback (null:
/// the history has none).
/// </summary>
public sealed record LiveRelease(string? Current, string? Expected, DateTimeOffset? ExpectedSince = null);

/// <summary>Reads a host's <c>current</c> (over SSH) and the deploy history.</summary>
public interface ILiveReleases
{
    /// <exception cref="CheckSourceException">The host cannot be reached or read.</exception>
    Task<LiveRelease> ReadAsync(string stage, string host, CancellationToken ct);
}

/// <summary>What a plugin run on a host printed, and its exit code.</summary>
public sealed record RemoteRun(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs a plugin's command line on a host of slipway.yml over SSH (as Nagios's check_by_ssh does).</summary>
public interface IRemotePlugins
{
    /// <param name="host">The host's display name in slipway.yml.</param>
    /// <param name="commandLine">Shell code for the host's POSIX shell (every word already quoted).</param>
    /// <param name="timeout">The remote process group is stopped after this; then <see cref="TimeoutException"/>.</param>
    /// <param name="ct">Cancels the run.</param>
    /// <exception cref="CheckSourceException">The host cannot be reached, or the connection was lost.</exception>
    /// <exception cref="TimeoutException">The plugin ran longer than <paramref name="timeout"/>.</exception>
    Task<RemoteRun> RunAsync(string host, string commandLine, TimeSpan timeout, CancellationToken ct);
}
