using System.ComponentModel;
using Slipway.Cli.Output;
using Slipway.Supervisor.Daemon;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Supervise;

public sealed class SuperviseSettings : SlipwaySettings
{
    [CommandOption("-c|--configuration <FILE>")]
    [Description("supervisord.conf to read (default: the first of ./supervisord.conf, ./etc/supervisord.conf, /etc/supervisord.conf, /etc/supervisor/supervisord.conf).")]
    public string? Configuration { get; init; }

    [CommandOption("-n|--nodaemon")]
    [Description("Run in the foreground and log to stdout too (as supervisord -n).")]
    public bool NoDaemon { get; init; }
}

/// <summary><c>slipway supervise</c>: a supervisord-compatible process supervisor that the stock supervisorctl drives.</summary>
public sealed class SuperviseCommand(IAnsiConsole console) : AsyncCommand<SuperviseSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SuperviseSettings settings, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            ConsoleText.Error(console, "slipway supervise runs on Linux only.");
            return ExitCodes.UsageOrConfig;
        }

        if (SuperviseArguments.FindConfig(settings.Configuration) is not { } path)
        {
            ConsoleText.Error(console, SuperviseArguments.NoConfigMessage);
            return ExitCodes.UsageOrConfig;
        }

        var host = new DaemonHost(new HostOptions(path, settings.NoDaemon, Console.Out, Console.Error));
        return await host.RunAsync(cancellationToken);
    }
}

/// <summary>Registers the supervise command (called once from SlipwayApp).</summary>
public static class SuperviseCommands
{
    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddCommand<SuperviseCommand>("supervise")
            .WithDescription("Run a supervisord-compatible process supervisor: same supervisord.conf, same XML-RPC, driven by the stock supervisorctl.")
            .WithExample("supervise", "-c", "/etc/supervisor/supervisord.conf", "-n")
            .WithExample("supervise", "-c", "supervisord.conf");
    }
}
