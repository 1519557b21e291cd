using System.ComponentModel;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
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

        var hosts = answers.Select(a =>
        {
            var release = a.Stdout.FirstOrDefault(l => l.StartsWith("release=", StringComparison.Ordinal))?["release=".Length..] ?? "";
            var json = a.Stdout.FirstOrDefault(l => l.StartsWith('{'));
            var status = json is null ? null : JsonSerializer.Deserialize(json, AgentJsonContext.Default.AgentStatusRecord);
            var error = a.ConnectionError ?? (a.ExitCode == 0 && status is not null ? null : string.Join(" ", a.Stderr).Trim() is { Length: > 0 } e ? e : $"exit {a.ExitCode}");
            // A supervisord shared with other applications: only this application's programs (named APPLICATION-…).
            var processes = (status?.Processes ?? []).Where(p => p.Group.StartsWith(a.Plan.ProgramPrefix, StringComparison.Ordinal)).ToList();
            return new PsHostRecord(a.Host.DisplayName, release.Length == 0 ? null : release, processes, error);
        }).ToList();

        if (settings.Json)
        {
            ConsoleText.Line(console, JsonSerializer.Serialize(new PsReport(hosts.All(h => h.Error is null), hosts), HostsJsonContext.Default.PsReport));
        }
        else
        {
            var width = Math.Max(4, hosts.Max(h => h.Host.Length));
            var nameWidth = Math.Max(7, hosts.SelectMany(h => h.Processes).Select(p => p.FullName.Length).DefaultIfEmpty(0).Max());
            ConsoleText.Line(console, $"{"HOST".PadRight(width)}  {"PROCESS".PadRight(nameWidth)}  {"STATE",-9} {"PID",7}  {"UPTIME",-10} RELEASE");
            foreach (var h in hosts)
            {
                if (h.Error is not null)
                {
                    ConsoleText.Line(console, $"{h.Host.PadRight(width)}  error: {h.Error}", ConsoleText.Red);
                    continue;
                }

                foreach (var p in h.Processes)
                {
                    var uptime = p.UptimeSeconds is { } u ? TimeSpan.FromSeconds(u).ToString(u >= 86400 ? @"d\.hh\:mm\:ss" : @"h\:mm\:ss", CultureInfo.InvariantCulture) : "-";
                    var pid = p.Pid > 0 ? p.Pid.ToString(CultureInfo.InvariantCulture) : "-";
                    ConsoleText.Line(console, $"{h.Host.PadRight(width)}  {p.FullName.PadRight(nameWidth)}  {p.State,-9} {pid,7}  {uptime,-10} {h.Release ?? "-"}",
                        p.State == "RUNNING" ? null : ConsoleText.Yellow);
                }

                if (h.Processes.Count == 0)
                {
                    ConsoleText.Line(console, $"{h.Host.PadRight(width)}  (no processes)  release {h.Release ?? "-"}");
                }
            }
        }

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

        foreach (var a in answers)
        {
            var name = a.Host.DisplayName;
            if (a.ConnectionError is not null)
            {
                ConsoleText.Line(console, $"{name}: error: {a.ConnectionError}", ConsoleText.Red);
                continue;
            }

            foreach (var line in a.Stdout.Where(l => !l.StartsWith("restart ", StringComparison.Ordinal)))
            {
                ConsoleText.Line(console, $"{name}: {line}");
            }

            foreach (var line in a.Stderr)
            {
                ConsoleText.Line(console, $"{name}: {line}", ConsoleText.Red);
            }

            ConsoleText.Line(console, a.ExitCode == 0 ? $"{name}: restarted" : $"{name}: restart failed", a.ExitCode == 0 ? ConsoleText.Green : ConsoleText.Red);
        }

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

        foreach (var a in answers.Where(a => a.ConnectionError is not null))
        {
            ConsoleText.Line(console, $"{a.Host.DisplayName}: error: {a.ConnectionError}", ConsoleText.Red);
        }

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
