using System.Reflection;
using Slipway.Cli.Commands;
using Slipway.Cli.Commands.Logs;
using Slipway.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli;

/// <summary>The command tree. Kept apart from Program so tests can run the whole CLI against a test console.</summary>
public static class SlipwayApp
{
    public static string Version { get; } =
        typeof(SlipwayApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    // Spectre.Console.Cli builds its command model by reflection. The native publish (scripts/publish-native.sh) roots
    // this assembly and Spectre.Console.Cli (Slipway.Cli.csproj), so every command and settings type it reflects over
    // is kept; NativeCliTests runs every command's --help and the main jobs against that binary.
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Command and settings types are rooted in the native publish.")]
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IAnsiConsole console, CancellationToken ct)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("slipway");
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(console);
            config.CancellationExitCode(ExitCodes.Cancelled);
            config.SetExceptionHandler((exception, _) => ErrorReporter.Report(console, exception));

            config.AddCommand<InitCommand>("init")
                .WithDescription("Write a commented starter slipway.yml for a Django site.")
                .WithExample("init")
                .WithExample("init", "--application", "mysite");

            config.AddBranch("config", branch =>
            {
                branch.SetDescription("Check or print the configuration.");
                branch.AddCommand<ConfigCheckCommand>("check")
                    .WithDescription("Validate slipway.yml; report every error with file, line, column and key.")
                    .WithExample("config", "check")
                    .WithExample("config", "check", "-f", "deploy/slipway.yml");
                branch.AddCommand<ConfigShowCommand>("show")
                    .WithDescription("Print the fully resolved configuration of a stage, defaults filled in.")
                    .WithExample("config", "show", "production")
                    .WithExample("config", "show", "production", "--json");
            });

            config.AddCommand<ExecCommand>("exec")
                .WithDescription("Run a command on a stage's hosts in parallel: slipway exec STAGE [[OPTIONS]] -- COMMAND...")
                .WithExample("exec", "production", "--", "uptime")
                .WithExample("exec", "production", "--roles", "web", "--", "systemctl", "status", "nginx")
                .WithExample("exec", "staging", "--hosts", "web1,web2", "--json", "--", "df -h /srv");

            Commands.Deploy.DeployCommands.Register(config);
            Commands.Supervise.SuperviseCommands.Register(config);
            LogsCommands.Register(config);
            Commands.Setup.SetupCommands.Register(config);
            if (OperatingSystem.IsLinux())
            {
                Commands.Ssh.SshCommands.Register(config);
                Commands.Agent.AgentCommands.Register(config);
                Commands.Hosts.HostCommands.Register(config);
            }
        });

        return await app.RunAsync(args, ct);
    }
}
