using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Recipes.Setup;
using Slipway.Remote;
using Spectre.Console;

namespace Slipway.Cli.Commands.Hosts;

/// <summary>The host commands' plumbing: the stage target, the agent run on every host (<see cref="HostAgent"/>), the exit code.</summary>
internal static class HostAgentRunner
{
    public static async Task<(IReadOnlyList<HostAnswer>? Answers, int ExitCode)> RunAsync(
        IAnsiConsole console, StageSettings settings, Func<SetupPlan, ShellCommand> command, Action<HostConfig, OutputLine>? stream, CancellationToken ct)
    {
        await using var target = ConfigSource.OpenStage(console, settings, recipes: null);
        if (target is null)
        {
            return (null, ExitCodes.UsageOrConfig);
        }

        return (await HostAgent.RunAsync(target, command, stream, ct), ExitCodes.Success);
    }

    /// <summary>The overall exit code: 3 if a host was unreachable, 1 if an agent failed, else 0.</summary>
    public static int ExitCode(IReadOnlyList<HostAnswer> answers) =>
        answers.Any(a => a.ConnectionError is not null) ? ExitCodes.ConnectionFailed
        : answers.All(a => a.ExitCode == 0) ? ExitCodes.Success
        : ExitCodes.CommandFailed;
}
