using System.ComponentModel;
using System.Runtime.Versioning;
using System.Text.Json.Serialization;
using Slipway.Cli.Commands.Agent;
using Slipway.Cli.Output;
using Slipway.Core.Shell;
using Slipway.Recipes.Setup;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Hosts;

public sealed class PsSettings : StageSettings
{
    [CommandOption("--json")]
    [Description("One JSON object: every host's release and processes.")]
    public bool Json { get; init; }
}

public sealed class RestartSettings : StageSettings
{
    [CommandArgument(1, "[PROGRAM]")]
    [Description("The program (a processes: name, GROUP:NAME or GROUP:*); all when omitted.")]
    public string? Program { get; init; }

    [CommandOption("--timeout <DURATION>")]
    [Description("How long the processes may take to reach RUNNING.")]
    [DefaultValue("60s")]
    public string Timeout { get; init; } = "60s";
}

public sealed class LogsTailSettings : StageSettings
{
    [CommandArgument(1, "<PROGRAM>")]
    [Description("The program: NAME or GROUP:NAME.")]
    public string Program { get; init; } = "";

    [CommandOption("--follow")]
    [Description("Keep printing new lines until interrupted (-f is the config file here).")]
    public bool Follow { get; init; }

    [CommandOption("--stderr")]
    [Description("The stderr log instead of stdout.")]
    public bool Stderr { get; init; }
}

/// <summary><c>slipway ps STAGE</c>: every process on every host, with the release the host runs.</summary>
[SupportedOSPlatform("linux")]
public sealed class PsCommand(IAnsiConsole console) : AsyncCommand<PsSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PsSettings settings, CancellationToken cancellationToken)
    {
        var (answers, code) = await HostAgentRunner.RunAsync(console, settings, plan => ShellCommand.Join("\n", [
            ShellCommand.Create($"echo \"release=$(basename \"$(readlink {plan.Layout.Current})\" 2>/dev/null)\""),
            HostAgent.Agent(plan, ShellCommand.Create($"status --socket {plan.Socket} --json")),
        ]), null, cancellationToken);
        if (answers is null)
        {
            return code;
        }

        HostAnswerPrinter.PrintPs(console, answers, settings.Json);
        return HostAgentRunner.ExitCode(answers);
    }
}

/// <summary><c>slipway restart STAGE [PROGRAM]</c>: restart on every host and wait until RUNNING.</summary>
[SupportedOSPlatform("linux")]
public sealed class RestartCommand(IAnsiConsole console) : AsyncCommand<RestartSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RestartSettings settings, CancellationToken cancellationToken)
    {
        // All programs: on Slipway's own daemon, every one; on a shared supervisord, only this application's on the host.
        IReadOnlyList<string> Names(SetupPlan plan) =>
            settings.Program is not null ? [plan.SupervisorName(settings.Program)]
            : plan.ProgramPrefix.Length > 0 ? [.. plan.Programs.Select(p => p + ":*")]
            : [];
        var (answers, code) = await HostAgentRunner.RunAsync(console, settings, plan =>
            settings.Program is null && plan.ProgramPrefix.Length > 0 && plan.Programs.Count == 0
                ? ShellCommand.Create($"echo {"no program of this application runs on this host"}")
                : HostAgent.Agent(plan, ShellCommand.Create($"restart --socket {plan.Socket} --timeout {settings.Timeout} {Names(plan)}")), null, cancellationToken);
        if (answers is null)
        {
            return code;
        }

        HostAnswerPrinter.PrintRestart(console, answers);
        return HostAgentRunner.ExitCode(answers);
    }
}

/// <summary><c>slipway logs tail STAGE PROGRAM [-f]</c>: the program's log on every host, lines prefixed by host.</summary>
[SupportedOSPlatform("linux")]
public sealed class LogsTailCommand(IAnsiConsole console) : AsyncCommand<LogsTailSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, LogsTailSettings settings, CancellationToken cancellationToken)
    {
        var flags = new List<string>();
        if (settings.Follow)
        {
            flags.Add("-f");
        }

        if (settings.Stderr)
        {
            flags.Add("--stderr");
        }

        var gate = new Lock();
        var (answers, code) = await HostAgentRunner.RunAsync(console, settings,
            plan => HostAgent.Agent(plan, ShellCommand.Create($"tail --socket {plan.Socket} {plan.SupervisorName(settings.Program)} {flags}")),
            (host, line) =>
            {
                lock (gate)
                {
                    ConsoleText.Line(console, $"{host.DisplayName}: {line.Text}", line.Kind == Remote.OutputKind.Stderr ? ConsoleText.Red : null);
                }
            }, cancellationToken);
        if (answers is null)
        {
            return code;
        }

        HostAnswerPrinter.PrintUnreachable(console, answers);
        return HostAgentRunner.ExitCode(answers);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PsReport))]
[SupportedOSPlatform("linux")]
internal sealed partial class HostsJsonContext : JsonSerializerContext;

[SupportedOSPlatform("linux")]
internal sealed record PsReport(bool Ok, IReadOnlyList<PsHostRecord> Hosts);

[SupportedOSPlatform("linux")]
internal sealed record PsHostRecord(string Host, string? Release, IReadOnlyList<AgentProcessRecord> Processes, string? Error);

/// <summary>Registers ps, restart (root) and logs tail (inside the logs branch).</summary>
[SupportedOSPlatform("linux")]
internal static class HostCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<PsCommand>("ps")
            .WithDescription("Every process on every host of a stage: state, pid, uptime and the release the host runs.")
            .WithExample("ps", "production")
            .WithExample("ps", "production", "--json");
        config.AddCommand<RestartCommand>("restart")
            .WithDescription("Restart a program (or all) on every host of a stage and wait until it is RUNNING.")
            .WithExample("restart", "production", "web")
            .WithExample("restart", "production");
    }

    public static void RegisterLogs(IConfigurator<CommandSettings> logs)
    {
        logs.AddCommand<LogsTailCommand>("tail")
            .WithDescription("Print a program's log from every host of a stage (lines prefixed by host); --follow keeps following.")
            .WithExample("logs", "tail", "production", "web", "--follow");
    }
}
