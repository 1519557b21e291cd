using Slipway.Cli.Commands.Setup;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Remote;
using Spectre.Console;

namespace Slipway.Cli.Commands.Hosts;

/// <summary>What one host answered: the agent's exit code and output, or why the host could not be reached.</summary>
internal sealed record HostAnswer(HostConfig Host, SetupPlan Plan, int? ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr, string? ConnectionError);

/// <summary>
/// Runs the host-side agent (<c>&lt;deploy_to&gt;/slipway/bin/slipway agent …</c>, installed by <c>slipway setup</c>) on
/// every selected host of a stage over ssh, in parallel, and collects the answers for the command to merge.
/// </summary>
internal static class HostAgentRunner
{
    public static async Task<(IReadOnlyList<HostAnswer>? Answers, int ExitCode)> RunAsync(
        IAnsiConsole console, StageSettings settings, Func<SetupPlan, ShellCommand> command, Action<HostConfig, OutputLine>? stream, CancellationToken ct)
    {
        var config = ConfigSource.Load(console, settings.File);
        var stage = config is null ? null : ConfigSource.FindStage(console, config, settings.Stage);
        if (config is null || stage is null)
        {
            return (null, ExitCodes.UsageOrConfig);
        }

        var selection = HostFilter.Select(stage, HostFilter.SplitList(settings.Roles), HostFilter.SplitList(settings.Hosts));
        if (selection.Error is not null)
        {
            ConsoleText.Error(console, selection.Error);
            return (null, ExitCodes.UsageOrConfig);
        }

        await using var sessions = new SessionPool(config.Ssh);
        var connections = await sessions.ConnectAllAsync(selection.Hosts, 10, ct);
        var answers = await Task.WhenAll(connections.Select(async c =>
        {
            var plan = SetupPlan.For(config, c.Host);
            if (c.Session is null)
            {
                return new HostAnswer(c.Host, plan, null, [], [], c.Error!.Message);
            }

            var stdout = new List<string>();
            var stderr = new List<string>();
            var options = new RunOptions
            {
                Timeout = Timeout.InfiniteTimeSpan,
                Output = line =>
                {
                    lock (stdout)
                    {
                        (line.Kind == OutputKind.Stdout ? stdout : stderr).Add(line.Text);
                    }

                    stream?.Invoke(c.Host, line);
                },
            };
            var result = await c.Session.RunAsync(command(plan), options, ct);
            lock (stdout)
            {
                return new HostAnswer(c.Host, plan, result.ExitCode, stdout.ToList(), stderr.ToList(), null);
            }
        }));
        return (answers, ExitCodes.Success);
    }

    /// <summary>The agent on the host (<c>agent supervisor ARGS</c>), or a clear message when setup has not installed it.</summary>
    public static ShellCommand Agent(SetupPlan plan, ShellCommand args)
    {
        var missing = $"slipway is not installed on this host ({plan.BinaryPath}): run slipway setup first";
        return ShellCommand.Join("\n", [
            ShellCommand.Create($"if [ ! -x {plan.BinaryPath} ]; then echo {missing} >&2; exit 2; fi"),
            ShellCommand.Join(" ", [ShellCommand.Create($"{plan.BinaryPath} agent supervisor"), args]),
        ]);
    }

    /// <summary>The overall exit code: 3 if a host was unreachable, 1 if an agent failed, else 0.</summary>
    public static int ExitCode(IReadOnlyList<HostAnswer> answers) =>
        answers.Any(a => a.ConnectionError is not null) ? ExitCodes.ConnectionFailed
        : answers.All(a => a.ExitCode == 0) ? ExitCodes.Success
        : ExitCodes.CommandFailed;
}
