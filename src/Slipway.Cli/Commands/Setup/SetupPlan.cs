using System.Text;
using Slipway.Core.Config;

namespace Slipway.Cli.Commands.Setup;

/// <summary>A file setup writes from its template when it does not exist, with the mode it gets.</summary>
public sealed record SetupTemplate(string Path, string Content, UnixFileMode Mode);

/// <summary>
/// What <c>slipway setup</c> wants one host to look like: directories, the host binary, the supervisor's config and
/// socket. Pure: computed from the config and the host, no I/O.
/// </summary>
public sealed record SetupPlan(
    string DeployTo,
    IReadOnlyList<string> Directories,
    IReadOnlyList<string> LinkedFiles,
    string BinaryPath,
    SupervisorKind Kind,
    string Socket,
    string ProgramsFile,
    string? SupervisordConfPath,
    string? SupervisordConf,
    string? PidFile)
{
    /// <summary>What this application's program names start with on the host's supervisor (see ProgramRenderer.ProgramPrefix).</summary>
    public string ProgramPrefix { get; init; } = "";

    /// <summary>The supervisor's names of the programs this host runs (its roles' processes).</summary>
    public IReadOnlyList<string> Programs { get; init; } = [];

    /// <summary>A program as the user names it, in the supervisor's names (a process name gets the prefix).</summary>
    public Func<string, string> SupervisorName { get; init; } = name => name;

    /// <summary>Where the Native AOT supervise daemon goes: beside the host binary, where `slipway supervise` looks for it.</summary>
    public string NativeDaemonPath => BinaryPath[..(BinaryPath.LastIndexOf('/') + 1)] + Supervise.SuperviseFastPath.NativeDaemonName;

    /// <summary>Linked files setup creates from their templates when missing (host variables expanded for this host).</summary>
    public IReadOnlyList<SetupTemplate> Templates { get; init; } = [];

    public static SetupPlan For(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        var d = (host.DeployTo ?? config.DeployTo).TrimEnd('/');
        var slipway = d + "/slipway";
        var shared = d + "/shared";
        var dirs = new List<string> { d, d + "/releases", shared, slipway, slipway + "/bin", slipway + "/log" };
        dirs.AddRange(config.LinkedDirs.Select(l => shared + "/" + l.Trim('/')));
        dirs.AddRange(config.LinkedFiles.Select(f => Path.GetDirectoryName(shared + "/" + f.Trim('/'))!.Replace('\\', '/')));
        var kind = config.Supervisor.Kind;
        var socket = Resolve(d, config.Supervisor.Socket) ?? (kind == SupervisorKind.Slipway ? slipway + "/supervisor.sock" : "/var/run/supervisor.sock");
        var programs = Resolve(d, config.Supervisor.ProgramsFile) ??
            (kind == SupervisorKind.Slipway ? slipway + "/programs.conf" : $"/etc/supervisor/conf.d/{config.Application}.conf");
        string? confPath = null, conf = null, pid = null;
        if (kind == SupervisorKind.Slipway)
        {
            confPath = slipway + "/supervisord.conf";
            pid = slipway + "/supervisord.pid";
            conf = RenderSupervisordConf(socket, slipway + "/log", pid, programs);
        }

        // A linked file with a template is created from it; the others are only reported when missing (they hold secrets).
        var templated = config.Templates.Select(t => t.Path).ToHashSet(StringComparer.Ordinal);
        return new SetupPlan(d, dirs.Distinct(StringComparer.Ordinal).ToList(),
            config.LinkedFiles.Where(f => !templated.Contains(f.Trim('/'))).Select(f => shared + "/" + f.Trim('/')).ToList(),
            slipway + "/bin/slipway", kind, socket, programs, confPath, conf, pid)
        {
            Templates = [.. config.Templates.Select(t => new SetupTemplate(shared + "/" + t.Path, HostVars.Expand(t.Content, host), t.Mode))],
            ProgramPrefix = Recipes.ProgramRenderer.ProgramPrefix(config),
            Programs = [.. Recipes.ProgramRenderer.ProcessesFor(config, host).Select(p => Recipes.ProgramRenderer.ProgramName(config, p))],
            SupervisorName = name => Recipes.ProgramRenderer.ToSupervisorName(config, name),
        };
    }

    /// <summary>A relative path is under deploy_to; null stays null.</summary>
    private static string? Resolve(string deployTo, string? path) =>
        string.IsNullOrEmpty(path) ? null : path.StartsWith('/') ? path : deployTo + "/" + path;

    /// <summary>The config of Slipway's own daemon on the host (supervisord's dialect; <c>%</c> doubled).</summary>
    public static string RenderSupervisordConf(string socket, string logDir, string pidFile, string programsFile)
    {
        static string E(string s) => s.Replace("%", "%%", StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.Append("; Written by slipway setup: edits are replaced on the next run.\n");
        sb.Append("[unix_http_server]\nfile=").Append(E(socket)).Append("\nchmod=0700\n\n");
        sb.Append("[supervisord]\nlogfile=").Append(E(logDir)).Append("/supervisord.log\npidfile=").Append(E(pidFile))
            .Append("\nchildlogdir=").Append(E(logDir)).Append('\n').Append('\n');
        sb.Append("[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n");
        sb.Append("[supervisorctl]\nserverurl=unix://").Append(E(socket)).Append("\n\n");
        sb.Append("[include]\nfiles=").Append(E(programsFile)).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// For a development build (not a single-file bundle): a script that runs this machine's build. It is only valid on
    /// hosts that are this machine (loopback test hosts, <c>transport: local</c>).
    /// </summary>
    public static string RenderLauncher(IReadOnlyList<string> command) =>
        "#!/bin/sh\n# Written by slipway setup: runs the development build on this machine.\nexec " +
        Core.Shell.ShellQuote.Join(command) + " \"$@\"\n";
}
