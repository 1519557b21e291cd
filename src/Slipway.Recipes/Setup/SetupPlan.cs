using System.Text;
using Slipway.Core.Config;

namespace Slipway.Recipes.Setup;

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
    public string NativeDaemonPath => Layout.NativeDaemon;

    /// <summary>The host's layout under deploy_to, which every path above comes from.</summary>
    public HostLayout Layout { get; init; } = new("/");

    /// <summary>Linked files setup creates from their templates when missing (host variables expanded for this host).</summary>
    public IReadOnlyList<SetupTemplate> Templates { get; init; } = [];

    public static SetupPlan For(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        var layout = HostLayout.For(config, host);
        var dirs = new List<string> { layout.DeployTo, layout.Releases, layout.Shared, layout.SlipwayDir, layout.BinDir, layout.LogDir };
        dirs.AddRange(config.LinkedDirs.Select(layout.SharedPath));
        dirs.AddRange(config.LinkedFiles.Select(f => Path.GetDirectoryName(layout.SharedPath(f))!.Replace('\\', '/')));
        var kind = config.Supervisor.Kind;
        var socket = layout.Socket(config.Supervisor);
        var programs = layout.ProgramsFile(config.Supervisor, config.Application);
        string? confPath = null, conf = null, pid = null;
        if (kind == SupervisorKind.Slipway)
        {
            confPath = layout.SupervisordConf;
            pid = layout.PidFile;
            conf = RenderSupervisordConf(socket, layout.LogDir, pid, programs);
        }

        // A linked file with a template is created from it; the others are only reported when missing (they hold secrets).
        var templated = config.Templates.Select(t => t.Path).ToHashSet(StringComparer.Ordinal);
        return new SetupPlan(layout.DeployTo, dirs.Distinct(StringComparer.Ordinal).ToList(),
            config.LinkedFiles.Where(f => !templated.Contains(f.Trim('/'))).Select(layout.SharedPath).ToList(),
            layout.AgentPath, kind, socket, programs, confPath, conf, pid)
        {
            Layout = layout,
            Templates = [.. config.Templates.Select(t => new SetupTemplate(layout.SharedPath(t.Path), HostVars.Expand(t.Content, host), t.Mode))],
            ProgramPrefix = ProgramRenderer.ProgramPrefix(config),
            Programs = [.. ProgramRenderer.ProcessesFor(config, host).Select(p => ProgramRenderer.ProgramName(config, p))],
            SupervisorName = name => ProgramRenderer.ToSupervisorName(config, name),
        };
    }

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
