using System.Diagnostics;
using System.Text;
using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Remote;

namespace Slipway.Cli.Exec;

/// <summary>
/// Runs one command on many hosts, at most <c>maxParallel</c> at a time. A host that fails never stops the
/// others; every host ends with an outcome, even when cancelled.
/// </summary>
public sealed class ExecRunner(SessionPool sessions, IExecReporter reporter, int maxParallel, TimeSpan? timeout)
{
    // --json keeps each host's whole output; past this much per stream only the head is kept.
    private const int MaxCapturedChars = 1 << 20;

    public async Task<IReadOnlyList<HostOutcome>> RunAsync(
        IReadOnlyList<HostConfig> hosts, ShellCommand command, bool capture, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var clock = Stopwatch.StartNew();
        reporter.Started(hosts);
        using var gate = new SemaphoreSlim(Math.Max(1, maxParallel));
        var tasks = hosts.Select(host => RunOneAsync(host, command, capture, gate, ct)).ToArray();
        var outcomes = await Task.WhenAll(tasks);
        reporter.Finished(outcomes, clock.Elapsed);
        return outcomes;
    }

    private async Task<HostOutcome> RunOneAsync(
        HostConfig host, ShellCommand command, bool capture, SemaphoreSlim gate, CancellationToken ct)
    {
        var clock = new Stopwatch();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        HostOutcome Outcome(HostStatus status, int? exitCode, string? error) =>
            new(host, status, exitCode, clock.Elapsed, error, stdout.ToString(), stderr.ToString());

        HostOutcome outcome;
        try
        {
            await gate.WaitAsync(ct);
            try
            {
                clock.Start();
                reporter.HostStarted(host);
                // The pool owns the session (one connection per host for the run) and closes it at the end.
                var session = await sessions.GetAsync(host, ct);
                var options = new RunOptions
                {
                    Timeout = timeout,
                    Output = line =>
                    {
                        if (capture)
                        {
                            Append(line.Kind == OutputKind.Stdout ? stdout : stderr, line.Text);
                        }

                        reporter.Output(host, line);
                    },
                };
                var result = await session.RunAsync(command, options, ct);
                outcome = Outcome(result.Succeeded ? HostStatus.Ok : HostStatus.Failed, result.ExitCode,
                    result.Succeeded ? null : $"exited with code {result.ExitCode}");
            }
            finally
            {
                gate.Release();
            }
        }
        catch (RemoteConnectionException e)
        {
            outcome = Outcome(HostStatus.ConnectionFailed, null, e.Message);
        }
        catch (TimeoutException e)
        {
            outcome = Outcome(HostStatus.TimedOut, null, e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            outcome = Outcome(HostStatus.Cancelled, null, "cancelled");
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // Local trouble (the ssh client missing, a pipe broken): the host's outcome, not a crash of the whole run.
            outcome = Outcome(HostStatus.ConnectionFailed, null, e.Message);
        }

        reporter.HostFinished(outcome);
        return outcome;
    }

    private static void Append(StringBuilder buffer, string line)
    {
        lock (buffer)
        {
            if (buffer.Length + line.Length < MaxCapturedChars)
            {
                buffer.Append(line).Append('\n');
            }
        }
    }
}
