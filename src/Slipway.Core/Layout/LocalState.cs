using Slipway.Core.Config;

namespace Slipway.Core.Layout;

/// <summary>
/// Slipway's state on this machine: <c>.slipway/</c> next to slipway.yml, holding the git mirror the upload strategy
/// archives from, this machine's deploy history, the run logs and scratch files. The one owner of those paths.
/// </summary>
public sealed record LocalState(string Dir)
{
    public static LocalState For(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ForFile(config.SourceFile);
    }

    /// <summary>The state next to the config file <paramref name="sourceFile"/> (also while it is being bound).</summary>
    public static LocalState ForFile(string sourceFile) => ForDirectory(Path.GetDirectoryName(Path.GetFullPath(sourceFile)) ?? ".");

    /// <summary>The state of the slipway.yml in <paramref name="configDirectory"/>.</summary>
    public static LocalState ForDirectory(string configDirectory) => new(Path.Combine(configDirectory, ".slipway"));

    /// <summary>The local git mirror the upload strategy archives from.</summary>
    public string GitCache => Path.Combine(Dir, "git");

    /// <summary>This machine's record of every deploy and rollback it ran (JSON lines).</summary>
    public string History => Path.Combine(Dir, "history.jsonl");

    /// <summary>One log file per run.</summary>
    public string Logs => Path.Combine(Dir, "logs");

    /// <summary>The job queue's default store (an embedded SQLite file) when slipway.yml names no <c>queue.url</c>.</summary>
    public string Queue => Path.Combine(Dir, "queue.db");

    /// <summary>Acknowledgements and downtimes set by <c>slipway monitor ack|downtime</c> (JSON).</summary>
    public string MonitorMarks => Path.Combine(Dir, "monitor-marks.json");

    /// <summary>Every check's state as <c>slipway monitor serve</c> last wrote it (read by <c>slipway status</c>).</summary>
    public string MonitorState => Path.Combine(Dir, "monitor-state.json");

    /// <summary>
    /// Where <c>slipway monitor agent --host HOST</c> keeps results monitor serve has not taken yet (one directory per
    /// host, so two agents on one machine never share one).
    /// </summary>
    public string MonitorSpool(string host) =>
        Path.Combine(Dir, "monitor-spool", string.Concat(host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')));

    /// <summary>The default results and perfdata history of <c>slipway monitor serve</c> (SQLite).</summary>
    public string MonitorDb => Path.Combine(Dir, "monitor.db");

    /// <summary>The default local artifact store of <c>slipway build</c> (<c>build.store</c> overrides it).</summary>
    public string Artifacts => Path.Combine(Dir, "artifacts");

    /// <summary><c>slipway build</c>'s scratch space: git mirrors, checkouts, staging prefixes and the per-package logs.</summary>
    public string BuildWork => Path.Combine(Dir, "build");

    /// <summary>Scratch space (the archive an upload deploy builds).</summary>
    public string Tmp => Path.Combine(Dir, "tmp");
}
