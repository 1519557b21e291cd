using Slipway.Supervisor.Daemon;
using Slipway.Supervisor.Native;

namespace Slipway.Cli.Commands.Supervise;

/// <summary>
/// <c>slipway supervise -c FILE [-n]</c> straight to the daemon, without building the Spectre.Console.Cli command
/// model: a long-running daemon should not carry the CLI's start-up time and memory (the command model, type
/// converters, a console), and start-up time is what the time-until-RUNNING benchmark measures. Anything else
/// (<c>--help</c>, an unknown option, a missing value) goes through the normal command line and its messages.
/// </summary>
public static class SuperviseFastPath
{
    /// <summary>The Native AOT build of the daemon (src/Slipway.SupervisorHost), when published next to slipway.</summary>
    public const string NativeDaemonName = Core.Layout.HostLayout.NativeDaemonName;

    /// <summary>Set to run the managed daemon even when the native one is present (tests, comparisons).</summary>
    public const string ManagedVariable = "SLIPWAY_SUPERVISE_MANAGED";

    /// <summary>The options when <paramref name="args"/> is a plain supervise invocation; null to use the full CLI.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static SuperviseArguments? TryParse(IReadOnlyList<string> args) => SuperviseArguments.TryParse(args, requireVerb: true);

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static async Task<int> RunAsync(SuperviseArguments options, IReadOnlyList<string> args, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(args);
        if (SuperviseArguments.FindConfig(options.Configuration) is not { } path)
        {
            await Console.Error.WriteLineAsync(SuperviseArguments.NoConfigMessage);
            return ExitCodes.UsageOrConfig;
        }

        // A daemon lives for months: the native build needs about a third of the managed one's memory. Exec it in
        // place (same pid, so pidfiles and process managers see no difference).
        var native = Path.Combine(AppContext.BaseDirectory, NativeDaemonName);
        if (Environment.GetEnvironmentVariable(ManagedVariable) is null && File.Exists(native))
        {
            ProcessImage.Replace(native, [native, .. args]);
        }

        return await new DaemonHost(new HostOptions(path, options.NoDaemon, Console.Out, Console.Error)).RunAsync(ct);
    }
}
