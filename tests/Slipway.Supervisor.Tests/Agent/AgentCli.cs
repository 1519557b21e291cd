using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Agent;

/// <summary>Runs the real <c>slipway</c> (the built CLI, as a subprocess) the way hook scripts run the agent on a host.</summary>
internal static class AgentCli
{
    public static string SlipwayDll()
    {
        var config = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        return Path.Combine(root, "src/Slipway.Cli/bin", config, "net10.0/slipway.dll");
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(CancellationToken ct, params string[] args) =>
        ProcessTools.RunAsync("dotnet", [SlipwayDll(), .. args], ct);
}
