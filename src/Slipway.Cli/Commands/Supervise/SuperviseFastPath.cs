using Slipway.Supervisor.Daemon;

namespace Slipway.Cli.Commands.Supervise;

/// <summary>
/// <c>slipway supervise -c FILE [-n]</c> straight to the daemon, without building the Spectre.Console.Cli command
/// model: a long-running daemon should not carry the CLI's start-up time and memory (the command model, type
/// converters, a console), and start-up time is what the time-until-RUNNING benchmark measures. Anything else
/// (<c>--help</c>, an unknown option, a missing value) goes through the normal command line and its messages.
/// </summary>
public static class SuperviseFastPath
{
    /// <summary>The options when <paramref name="args"/> is a plain supervise invocation; null to use the full CLI.</summary>
    public static (string? Configuration, bool NoDaemon)? TryParse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0 || args[0] != "supervise")
        {
            return null;
        }

        string? configuration = null;
        var noDaemon = false;
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-n" or "--nodaemon":
                    noDaemon = true;
                    break;
                case "--no-color":
                    break;
                case "-c" or "--configuration" when i + 1 < args.Count && !args[i + 1].StartsWith('-'):
                    configuration = args[++i];
                    break;
                default:
                    return null;
            }
        }

        return (configuration, noDaemon);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static async Task<int> RunAsync((string? Configuration, bool NoDaemon) options, CancellationToken ct)
    {
        if (SuperviseCommand.FindConfig(options.Configuration) is not { } path)
        {
            await Console.Error.WriteLineAsync(SuperviseCommand.NoConfigMessage);
            return ExitCodes.UsageOrConfig;
        }

        return await new DaemonHost(new HostOptions(path, options.NoDaemon, Console.Out)).RunAsync(ct);
    }
}
