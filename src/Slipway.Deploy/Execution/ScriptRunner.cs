using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Remote;

namespace Slipway.Deploy.Execution;

/// <summary>Runs one phase script on one host and sorts its output; connection loss and cancellation propagate.</summary>
public sealed class ScriptRunner(DeployLog log, Action<HostConfig, string>? verbose)
{
    public DeployLog Log => log;

    public async Task<ScriptRun> RunAsync(IRemoteSession session, string phase, ShellCommand script, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var run = new ScriptRun();
        var host = session.Host;
        log.Command(host, phase, script);
        var options = new RunOptions
        {
            Output = line =>
            {
                log.Output(host, line.Text);
                if (run.Accept(line.Text) is { } text)
                {
                    verbose?.Invoke(host, text);
                }
            },
        };
        var result = await session.RunAsync(script, options, ct);
        run.ExitCode = result.ExitCode;
        log.Exit(host, phase, result.ExitCode, result.Duration);
        return run;
    }
}
