using System.ComponentModel;
using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Core.Shell;
using Slipway.Remote;
using Slipway.Remote.Exec;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands;

public sealed class ExecSettings : StageSettings
{
    [CommandOption("-p|--parallel <N>")]
    [Description("Most hosts at once (default: ssh.max_parallel, 20).")]
    public int? Parallel { get; init; }

    [CommandOption("-t|--timeout <DURATION>")]
    [Description("Stop the command on a host after this long (default: ssh.command_timeout, none).")]
    public string? Timeout { get; init; }

    internal TimeSpan? TimeoutValue => Slipway.Core.Durations.Parse(Timeout);

    [CommandOption("--json")]
    [Description("One JSON object per host (host, status, exit_code, duration_ms, stdout, stderr), one per line.")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
    {
        if (Parallel is < 1 or > 1000)
        {
            return ValidationResult.Error("--parallel must be from 1 to 1000.");
        }

        if (Timeout is not null && (TimeoutValue is not { } t || t <= TimeSpan.Zero || t > TimeSpan.FromDays(1)))
        {
            return ValidationResult.Error($"--timeout must be a duration such as 30s or 5m, more than 0 and at most 1d; got '{Timeout}'.");
        }

        return ValidationResult.Success();
    }
}

/// <summary>
/// <c>slipway exec STAGE -- COMMAND…</c>: SSHKit's / <c>cap invoke</c>'s job. The words after <c>--</c> are joined
/// with spaces and given to each host's shell, exactly as <c>ssh HOST COMMAND…</c> does.
/// </summary>
public sealed class ExecCommand(IAnsiConsole console) : AsyncCommand<ExecSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ExecSettings settings, CancellationToken cancellationToken)
    {
        var words = context.Remaining.Raw;
        if (words.Count == 0 || words.All(string.IsNullOrWhiteSpace))
        {
            ConsoleText.Error(console, "no command given. Put it after --, e.g. [bold]slipway exec production -- uptime[/].");
            return ExitCodes.UsageOrConfig;
        }

        // One command per host: a connection each, with no master to start and stop around it.
        await using var target = ConfigSource.OpenStage(console, settings, recipes: null, ConnectionMode.Direct);
        if (target is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var config = target.Config;
        var command = ShellCommand.Raw(string.Join(' ', words));
        var timeout = settings.TimeoutValue ?? config.Ssh.CommandTimeout;
        var output = console.Profile.Out.Writer;
        var colour = console.Profile.Capabilities.Ansi && console.Profile.Capabilities.ColorSystem != ColorSystem.NoColors;
        using var text = new TextExecReporter(output, colour, live: colour && console.Profile.Capabilities.Interactive);
        IExecReporter reporter = settings.Json ? new JsonExecReporter(output) : text;

        var runner = new ExecRunner(target.Sessions, reporter, settings.Parallel ?? config.Ssh.MaxParallel, timeout);
        var outcomes = await runner.RunAsync(target.Hosts, command, capture: settings.Json, cancellationToken);
        return ExitCodeFor(outcomes);
    }

    internal static int ExitCodeFor(IReadOnlyList<HostOutcome> outcomes)
    {
        if (outcomes.Any(o => o.Status == HostStatus.Cancelled))
        {
            return ExitCodes.Cancelled;
        }

        if (outcomes.Any(o => o.Status == HostStatus.ConnectionFailed))
        {
            return ExitCodes.ConnectionFailed;
        }

        return outcomes.All(o => o.Status == HostStatus.Ok) ? ExitCodes.Success : ExitCodes.CommandFailed;
    }

    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
