namespace Slipway.Supervisor.Config;

public enum AutoRestart
{
    Never,
    Unexpected,
    Always,
}

/// <summary>The <c>[supervisord]</c> section, with supervisord's defaults.</summary>
public sealed record DaemonOptions
{
    public required string LogFile { get; init; }
    public long LogFileMaxBytes { get; init; } = 50 * 1024 * 1024;
    public int LogFileBackups { get; init; } = 10;
    public string LogLevel { get; init; } = "info";
    public required string PidFile { get; init; }
    public int Umask { get; init; } = Convert.ToInt32("022", 8);
    public bool NoDaemon { get; init; }
    public bool Silent { get; init; }
    public bool NoCleanup { get; init; }

    /// <summary><c>strip_ansi=true</c>: ANSI escapes are removed from programs' output before it is logged.</summary>
    public bool StripAnsi { get; init; }

    /// <summary><c>minfds=</c>: the soft RLIMIT_NOFILE the daemon raises itself (and so its children) to at start.</summary>
    public int MinFds { get; init; } = 1024;

    /// <summary><c>minprocs=</c>: likewise for RLIMIT_NPROC.</summary>
    public int MinProcs { get; init; } = 200;

    /// <summary>slipway: <c>update_in_place=true</c> lets <c>supervisorctl update</c> add or remove only the processes of a group whose numprocs changed.</summary>
    public bool UpdateInPlace { get; init; }

    /// <summary>slipway: <c>syslog_forward=tcp://HOST:PORT</c> for every program ("HOST:PORT"; a program may override it).</summary>
    public string? SyslogForward { get; init; }

    /// <summary>slipway: <c>syslog_forward_buffer=</c>, lines buffered per destination before lines are dropped.</summary>
    public int SyslogForwardBuffer { get; init; } = 10000;
    public required string ChildLogDir { get; init; }
    public string Identifier { get; init; } = "supervisor";
    public string? Directory { get; init; }
    public string? User { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];
}

/// <summary><c>[unix_http_server]</c>.</summary>
public sealed record UnixServerOptions(string File, int Chmod, string? Chown, string? Username, string? Password);

/// <summary><c>[inet_http_server]</c>; an empty host listens on every interface.</summary>
public sealed record InetServerOptions(string Host, int Port, string? Username, string? Password);

/// <summary>One log channel (stdout or stderr) of a process. A null <see cref="File"/> means NONE.</summary>
public sealed record LogChannelConfig(string? File, bool IsAuto, long MaxBytes, int Backups, long CaptureMaxBytes, bool EventsEnabled, bool Syslog);

/// <summary>One process of a program (a program with numprocs=3 gives three), every option resolved.</summary>
public sealed record ProcessConfig
{
    public required string Name { get; init; }
    public required string Command { get; init; }
    public int Priority { get; init; } = 999;
    public bool AutoStart { get; init; } = true;
    public AutoRestart AutoRestart { get; init; } = AutoRestart.Unexpected;
    public int StartSecs { get; init; } = 1;
    public int StartRetries { get; init; } = 3;
    public IReadOnlyList<int> ExitCodes { get; init; } = [0];
    public int StopSignal { get; init; } = 15;
    public int StopWaitSecs { get; init; } = 10;
    public bool StopAsGroup { get; init; }
    public bool KillAsGroup { get; init; }
    public string? User { get; init; }
    public bool RedirectStderr { get; init; }
    public required LogChannelConfig Stdout { get; init; }
    public required LogChannelConfig Stderr { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];
    public string? Directory { get; init; }
    public int? Umask { get; init; }
    public string? ServerUrl { get; init; }

    /// <summary>The <c>[program:x]</c> this process comes from (its group may be a <c>[group:y]</c>).</summary>
    public string Program { get; init; } = "";

    /// <summary>slipway's options beyond supervisord's (all off by default).</summary>
    public ProcessExtras Extras { get; init; } = ProcessExtras.None;

    /// <summary>The options that make two configs the same process (AUTO log names excluded: they differ per read).</summary>
    public string Signature() => string.Join("\u0001", Name, Command, Priority, AutoStart, AutoRestart, StartSecs, StartRetries,
        string.Join(',', ExitCodes), StopSignal, StopWaitSecs, StopAsGroup, KillAsGroup, User, RedirectStderr,
        Stdout with { File = Stdout.IsAuto ? "AUTO" : Stdout.File }, Stderr with { File = Stderr.IsAuto ? "AUTO" : Stderr.File },
        string.Join(',', Environment.Select(p => p.Key + "=" + p.Value)), Directory, Umask, ServerUrl, Extras.Signature());
}

/// <summary>A process group: a <c>[program:x]</c> (its numprocs processes) or a <c>[group:x]</c> of programs.</summary>
public sealed record GroupConfig(string Name, int Priority, IReadOnlyList<ProcessConfig> Processes)
{
    /// <summary>Set for an <c>[eventlistener:x]</c> pool.</summary>
    public ListenerOptions? Listener { get; init; }

    /// <summary>Set for an <c>[fcgi-program:x]</c> group: the socket its processes share as their fd 0.</summary>
    public FastCgiSocketConfig? FastCgi { get; init; }

    /// <summary>What makes two configs the same group (an fcgi-program's socket counts by its URL only, as in supervisord).</summary>
    public string Signature() => Name + "\u0002" + Priority + "\u0002" + string.Join("\u0002", Processes.Select(p => p.Signature()))
        + "\u0002" + (Listener is { } l ? l.BufferSize + ":" + string.Join(',', l.Events.Order(StringComparer.Ordinal)) : "")
        + "\u0002" + FastCgi?.Url;
}

/// <summary>What an <c>[eventlistener:x]</c> adds to a program: the events it subscribes to and its buffer size.</summary>
public sealed record ListenerOptions(int BufferSize, IReadOnlySet<string> Events);

/// <summary>A whole supervisord.conf, read and validated.</summary>
public sealed record SupervisorConfig(
    string Path,
    DaemonOptions Daemon,
    UnixServerOptions? UnixServer,
    InetServerOptions? InetServer,
    bool HasRpcInterface,
    IReadOnlyList<GroupConfig> Groups);
