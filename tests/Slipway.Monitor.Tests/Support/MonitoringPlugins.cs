using Slipway.Testing;

namespace Slipway.Monitor.Tests.Support;

/// <summary>Debian's monitoring-plugins: skipped locally when missing (with the fix), a failure under CI=true.</summary>
internal static class MonitoringPlugins
{
    public const string Directory = "/usr/lib/nagios/plugins";

    public static string Require(string plugin) => Require(plugin, Environment.GetEnvironmentVariable("CI"));

    public static string Require(string plugin, string? ci)
    {
        var path = Path.Combine(Directory, plugin);
        Requires.Check(File.Exists(path),
            $"{path} is not installed. Fix: bash scripts/deps/monitor.sh (apt-get install -y monitoring-plugins-basic monitoring-plugins-standard)",
            ci);
        return path;
    }
}
