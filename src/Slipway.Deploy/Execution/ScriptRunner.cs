using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Remote;

namespace Slipway.Deploy.Execution;

/// <summary>Runs one phase script on one host and sorts its output; connection loss and cancellation propagate.</summary>
public sealed class ScriptRunner(DeployLog log, Action<HostConfig, string>? verbose)
{
    public DeployLog Log => log;

    public Task<ScriptRun> RunAsync(IRemoteSession session, string phase, ShellCommand script, CancellationToken ct) =>
        RunAsync(session, phase, script, new ScriptRun(), ct);

    /// <summary>
    /// Fills <paramref name="run"/> as the output arrives: when the connection is lost, the caller still knows which
    /// steps the host reached (whether a switch-back happened before it went away).
    /// </summary>
    public async Task<ScriptRun> RunAsync(IRemoteSession session, string phase, ShellCommand script, ScriptRun run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(run);
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
        CommandResult result;
        try
        {
            result = await session.RunAsync(script, options, ct);
        }
        catch (RemoteConnectionException e) when (e.Failure == ConnectionFailure.ConnectionLost)
        {
            // The phase and the step it was in, not the whole script (which the log has).
            var step = run.CurrentStep.Length > 0 ? $" in step {run.CurrentStep}" : "";
            log.Output(host, $"connection lost during {phase}{step}: {e.Reason ?? e.Message}");
            throw new RemoteConnectionException(e.Host, e.Failure, $"connection lost{step} ({(e.Reason ?? e.Message).TrimEnd('.')})", e)
            {
                Reason = e.Reason,
            };
        }


        run.ExitCode = result.ExitCode;
        log.Exit(host, phase, result.ExitCode, result.Duration);
        return run;
    }
}
