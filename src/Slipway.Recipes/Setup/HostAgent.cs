using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Remote;

namespace Slipway.Recipes.Setup;

/// <summary>What one host answered: the agent's exit code and output, or why the host could not be reached.</summary>
public sealed record HostAnswer(
    HostConfig Host, SetupPlan Plan, int? ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr, string? ConnectionError);

/// <summary>
/// Runs the host-side agent (<c>&lt;deploy_to&gt;/slipway/bin/slipway agent …</c>, installed by <c>slipway setup</c>) on
/// every host of a <see cref="StageTarget"/> through <see cref="HostFanOut"/>, and collects the answers in the order of
/// the hosts for the command to merge and print.
/// </summary>
public static class HostAgent
{
    /// <summary>How many hosts connect at once; once connected every host runs at the same time (<c>logs tail -f</c> never ends).</summary>
    public const int ConnectParallel = 10;

    public static async Task<IReadOnlyList<HostAnswer>> RunAsync(
        StageTarget target, Func<SetupPlan, ShellCommand> command, Action<HostConfig, OutputLine>? stream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(command);
        var config = target.Config;
        var connections = await target.Sessions.ConnectAllAsync(target.Hosts, ConnectParallel, ct);
        var answers = await HostFanOut.RunAsync(connections, int.MaxValue, async (c, token) =>
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
            var result = await c.Session.RunAsync(command(plan), options, token);
            lock (stdout)
            {
                return new HostAnswer(c.Host, plan, result.ExitCode, stdout.ToList(), stderr.ToList(), null);
            }
        }, (c, fault) => new HostAnswer(c.Host, SetupPlan.For(config, c.Host), null, [], [], fault.Message), ct);
        ct.ThrowIfCancellationRequested();
        return answers;
    }

    /// <summary>The agent on the host (<c>agent supervisor ARGS</c>), or a clear message when setup has not installed it.</summary>
    public static ShellCommand Agent(SetupPlan plan, ShellCommand args)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var missing = $"slipway is not installed on this host ({plan.BinaryPath}): run slipway setup first";
        return ShellCommand.Join("\n", [
            ShellCommand.Create($"if [ ! -x {plan.BinaryPath} ]; then echo {missing} >&2; exit 2; fi"),
            ShellCommand.Join(" ", [ShellCommand.Create($"{plan.BinaryPath} agent supervisor"), args]),
        ]);
    }
}
