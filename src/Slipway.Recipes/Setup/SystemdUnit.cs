using Slipway.Core.Shell;

namespace Slipway.Recipes.Setup;

/// <summary>How setup keeps Slipway's daemon running on a host: a systemd unit, or started directly.</summary>
public enum DaemonManager
{
    /// <summary><c>slipway supervise</c> daemonizes itself (no systemd, or not root).</summary>
    Direct,

    /// <summary>A unit in the system's unit directory, enabled and started with systemctl.</summary>
    Systemd,
}

/// <summary>What the probe found on the host, and what setup does about it.</summary>
/// <param name="Manager">Systemd only when systemd runs there, systemctl answers and setup runs as root.</param>
/// <param name="Root">A prefix for systemd's paths on the host: empty, except under <c>SLIPWAY_SYSTEMD_ROOT</c> (tests, chroots).</param>
/// <param name="Note">Why systemd, although running, is not used; null otherwise.</param>
public sealed record DaemonDecision(DaemonManager Manager, string Root, string? Note)
{
    public string UnitDirectory => Root + "/etc/systemd/system";
}

/// <summary>
/// The systemd side of <c>slipway setup</c>, pure: the probe run on the host, the decision from its answer, and the unit
/// that runs <c>slipway supervise -n</c> in the foreground under systemd.
/// </summary>
public static class SystemdUnit
{
    /// <summary>
    /// Prints <c>run=0|1 systemctl=0|1 root=0|1 prefix=PATH</c>: whether <c>/run/systemd/system</c> exists (systemd is
    /// the init), whether systemctl reaches the manager, whether we are root. <c>SLIPWAY_SYSTEMD_ROOT</c>, when set on the
    /// host, prefixes the two paths (tests and chroots; see the setup tests).
    /// </summary>
    public static ShellCommand Probe { get; } = ShellCommand.Raw(
        "p=\"${SLIPWAY_SYSTEMD_ROOT:-}\"; r=0; s=0; u=0; " +
        "[ -d \"$p/run/systemd/system\" ] && r=1; " +
        "[ $r = 1 ] && [ -n \"$(systemctl show --property=Version --value 2>/dev/null)\" ] && s=1; " +
        "[ \"$(id -u)\" = 0 ] && u=1; " +
        "printf 'run=%s systemctl=%s root=%s prefix=%s\\n' \"$r\" \"$s\" \"$u\" \"$p\"");

    public static DaemonDecision Decide(string? probeOutput)
    {
        var facts = (probeOutput ?? "").Split(' ', 4, StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        bool Yes(string key) => facts.GetValueOrDefault(key) == "1";
        var root = facts.GetValueOrDefault("prefix")?.TrimEnd('/') ?? "";
        if (!Yes("run"))
        {
            return new DaemonDecision(DaemonManager.Direct, root, null);
        }

        if (!Yes("systemctl"))
        {
            return new DaemonDecision(DaemonManager.Direct, root,
                "/run/systemd/system exists but systemctl does not answer: started the daemon directly (it does not come back after a reboot)");
        }

        return Yes("root")
            ? new DaemonDecision(DaemonManager.Systemd, root, null)
            : new DaemonDecision(DaemonManager.Direct, root,
                "systemd runs here, but installing its unit needs root: started the daemon directly (it does not come back after a reboot; run setup as root to get a unit)");
    }

    public static string UnitName(string application) => $"slipway-{application}.service";

    /// <summary>
    /// The unit: <c>supervise -n</c> in the foreground (systemd tracks it; <c>Type=simple</c>), reloaded with HUP, stopped
    /// with TERM to the daemon only (<c>KillMode=process</c>: it stops its programs itself, each with its own stop signal
    /// and wait), restarted when it fails, started at boot.
    /// </summary>
    public static string Render(string application, string deployTo, string binaryPath, string confPath) =>
        "# Written by slipway setup: edits are replaced on the next run.\n" +
        "[Unit]\n" +
        $"Description=Slipway process supervisor for {application}\n" +
        "After=network.target\n" +
        "\n" +
        "[Service]\n" +
        "Type=simple\n" +
        $"ExecStart={Escape(binaryPath)} supervise -n -c {Escape(confPath)}\n" +
        "ExecReload=/bin/kill -HUP $MAINPID\n" +
        $"WorkingDirectory={Specifiers(deployTo)}\n" +
        "KillMode=process\n" +
        "TimeoutStopSec=90\n" +
        "Restart=on-failure\n" +
        "RestartSec=2\n" +
        "\n" +
        "[Install]\n" +
        "WantedBy=multi-user.target\n";

    private static string Specifiers(string path) => path.Replace("%", "%%", StringComparison.Ordinal);

    /// <summary>A path as one argument of ExecStart: <c>%</c> is a specifier, <c>$</c> a variable, a space splits arguments.</summary>
    private static string Escape(string path)
    {
        var text = Specifiers(path).Replace("$", "$$", StringComparison.Ordinal);
        return text.Contains(' ', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal)
            ? "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
            : text;
    }
}
