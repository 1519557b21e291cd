using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Remote.Ssh;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Ssh;

public sealed class SshCloseSettings : StageSettings
{
    [CommandOption("--json")]
    [Description("One JSON object: the socket directory and, per host, how many connections were closed.")]
    public bool Json { get; init; }
}

/// <summary>
/// <c>slipway ssh close STAGE</c>: drops the connections <c>ssh.control_persist</c> keeps open for the stage's hosts,
/// opened with the current settings or earlier ones, so the next command connects afresh.
/// </summary>
public sealed class SshCloseCommand(IAnsiConsole console) : AsyncCommand<SshCloseSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SshCloseSettings settings, CancellationToken cancellationToken)
    {
        var config = ConfigSource.Load(console, settings.File);
        var stage = config is null ? null : ConfigSource.FindStage(console, config, settings.Stage);
        if (config is null || stage is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var selection = HostFilter.Select(stage, HostFilter.SplitList(settings.Roles), HostFilter.SplitList(settings.Hosts));
        if (selection.Error is not null)
        {
            ConsoleText.Error(console, selection.Error);
            return ExitCodes.UsageOrConfig;
        }

        var hosts = new List<SshCloseHost>();
        foreach (var host in selection.Hosts.Where(h => h.Transport == TransportKind.Ssh))
        {
            hosts.Add(new SshCloseHost(host.DisplayName, await PersistentConnections.CloseAsync(config.Ssh, host, null, cancellationToken)));
        }

        if (settings.Json)
        {
            ConsoleText.Line(console, JsonSerializer.Serialize(new SshCloseReport(PersistentConnections.Directory, hosts), SshJsonContext.Default.SshCloseReport));
            return ExitCodes.Success;
        }

        foreach (var h in hosts)
        {
            ConsoleText.Line(console, h.Closed switch
            {
                0 => $"{h.Host}: no open connection",
                1 => $"{h.Host}: closed 1 connection",
                var n => $"{h.Host}: closed {n} connections",
            });
        }

        return ExitCodes.Success;
    }
}

public sealed record SshCloseHost(string Host, int Closed);

public sealed record SshCloseReport(string SocketDirectory, IReadOnlyList<SshCloseHost> Hosts);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SshCloseReport))]
internal sealed partial class SshJsonContext : JsonSerializerContext;

/// <summary>Registers the <c>ssh</c> branch.</summary>
internal static class SshCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("ssh", branch =>
        {
            branch.SetDescription("The SSH connections kept open for reuse (ssh.control_persist, 60 s by default; sockets in ~/.slipway/cm).");
            branch.AddCommand<SshCloseCommand>("close")
                .WithDescription("Close the stage's kept-open SSH connections now, so the next command connects afresh.")
                .WithExample("ssh", "close", "production")
                .WithExample("ssh", "close", "production", "--hosts", "web1", "--json");
        });
}
