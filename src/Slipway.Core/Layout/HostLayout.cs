using Slipway.Core.Config;

namespace Slipway.Core.Layout;

/// <summary>
/// Everything Slipway keeps under one host's <c>deploy_to</c> (the layout of docs/deploy.md and docs/recipes.md): the
/// Capistrano tree (<c>releases/</c>, <c>shared/</c>, <c>current</c>), the deploy lock and history files, and
/// <c>slipway/</c> with the host binary and the supervisor's files. The one definition Deploy, Recipes, setup and the
/// host commands read. Pure.
/// </summary>
public sealed record HostLayout
{
    /// <summary>The host-side binary as hook scripts name it (they run with SLIPWAY_DEPLOY_TO set).</summary>
    public const string Agent = "\"$SLIPWAY_DEPLOY_TO/slipway/bin/slipway\"";

    /// <summary>The Native AOT supervise daemon's file name, beside the host binary (where `slipway supervise` looks).</summary>
    public const string NativeDaemonName = "slipway-supervise";

    /// <summary>Marker file inside a release holding its state (unfinished, ok, bad).</summary>
    public const string StateFileName = ".slipway-state";

    /// <summary>A layout under <paramref name="deployTo"/>; a trailing slash is dropped so paths join cleanly.</summary>
    public HostLayout(string deployTo)
    {
        ArgumentNullException.ThrowIfNull(deployTo);
        DeployTo = deployTo.Length > 1 ? deployTo.TrimEnd('/') : deployTo;
    }

    public string DeployTo { get; }

    public string Releases => DeployTo + "/releases";

    public string Shared => DeployTo + "/shared";

    public string Current => DeployTo + "/current";

    public string Repo => DeployTo + "/repo";

    public string RevisionsLog => DeployTo + "/revisions.log";

    public string History => DeployTo + "/slipway-history.jsonl";

    /// <summary>The lock is a directory: <c>mkdir</c> either creates it or fails, atomically.</summary>
    public string LockDir => DeployTo + "/.slipway-lock";

    public string LockInfo => LockDir + "/info";

    /// <summary>Slipway's own directory on the host: the binary, the daemon's config, socket, pid file and logs.</summary>
    public string SlipwayDir => DeployTo + "/slipway";

    public string BinDir => SlipwayDir + "/bin";

    /// <summary>The host binary <c>slipway setup</c> installs and the host commands run.</summary>
    public string AgentPath => BinDir + "/slipway";

    public string NativeDaemon => BinDir + "/" + NativeDaemonName;

    public string LogDir => SlipwayDir + "/log";

    /// <summary>The config of Slipway's own daemon (supervisord's dialect).</summary>
    public string SupervisordConf => SlipwayDir + "/supervisord.conf";

    public string PidFile => SlipwayDir + "/supervisord.pid";

    public static HostLayout For(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        return new HostLayout(host.DeployTo ?? config.DeployTo);
    }

    public string Release(string name) => Releases + "/" + name;

    /// <summary>Where the upload strategy puts the archive before unpacking it.</summary>
    public string Archive(string release) => DeployTo + "/.slipway-upload-" + release + ".tar";

    /// <summary>Where deployed build artifacts are unpacked, one folder per key (docs/build.md, "Deploy integration").</summary>
    public string Vendor => Shared + "/vendor";

    /// <summary>The unpacked install prefix of the artifact with <paramref name="key"/>.</summary>
    public string VendorKey(string key) => Vendor + "/" + key;

    /// <summary>Where an artifact's tarball is uploaded before it is verified and unpacked.</summary>
    public string VendorIncoming(string key) => Vendor + "/.incoming-" + key + ".tar.gz";

    /// <summary>A linked dir or file under <c>shared/</c>.</summary>
    public string SharedPath(string linked) => Shared + "/" + linked.Trim('/');

    /// <summary>The supervisor's control socket: <c>supervisor.socket</c> (relative to deploy_to), else the kind's default.</summary>
    public string Socket(SupervisorConfig supervisor)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        return Resolve(supervisor.Socket) ??
            (supervisor.Kind == SupervisorKind.Slipway ? SlipwayDir + "/supervisor.sock" : "/var/run/supervisor.sock");
    }

    /// <summary>Where the rendered programs go: <c>supervisor.programs_file</c> (relative to deploy_to), else the kind's default.</summary>
    public string ProgramsFile(SupervisorConfig supervisor, string application)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        return Resolve(supervisor.ProgramsFile) ??
            (supervisor.Kind == SupervisorKind.Slipway ? SlipwayDir + "/programs.conf" : $"/etc/supervisor/conf.d/{application}.conf");
    }

    /// <summary>A relative path is under deploy_to; null or empty is null.</summary>
    private string? Resolve(string? path) =>
        string.IsNullOrEmpty(path) ? null : path.StartsWith('/') ? path : DeployTo + "/" + path;
}
