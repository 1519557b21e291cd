using System.Diagnostics;
using System.Text;
using Slipway.Core.Config;
using Slipway.Core.Shell;

namespace Slipway.Remote.Exec;

/// <summary>
/// Runs one command on many hosts through <see cref="HostFanOut"/>, at most <c>maxParallel</c> at a time. A host that
/// fails never stops the others; every host ends with an outcome, even when cancelled, in the order of the hosts.
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
        // Each host's output so far is kept apart, so a host that times out or is cancelled still shows what it printed.
        var captured = hosts.Select(_ => new Captured()).ToArray();
        var runs = hosts.Select((host, i) => (Host: host, Output: captured[i])).ToList();
        var outcomes = await HostFanOut.RunAsync(runs, maxParallel,
            (run, token) => RunOneAsync(run.Host, run.Output, command, capture, token),
            (run, fault) => Finished(new HostOutcome(run.Host, Status(fault.Kind), null, fault.Elapsed, fault.Message,
                Text(run.Output.Stdout), Text(run.Output.Stderr))), ct);
        reporter.Finished(outcomes, clock.Elapsed);
        return outcomes;
    }

    private async Task<HostOutcome> RunOneAsync(HostConfig host, Captured captured, ShellCommand command, bool capture, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var stdout = captured.Stdout;
        var stderr = captured.Stderr;
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
        return Finished(new HostOutcome(host, result.Succeeded ? HostStatus.Ok : HostStatus.Failed, result.ExitCode, clock.Elapsed,
            result.Succeeded ? null : $"exited with code {result.ExitCode}", Text(stdout), Text(stderr)));
    }

    private HostOutcome Finished(HostOutcome outcome)
    {
        reporter.HostFinished(outcome);
        return outcome;
    }

    private static HostStatus Status(HostFaultKind kind) => kind switch
    {
        HostFaultKind.TimedOut => HostStatus.TimedOut,
        HostFaultKind.Cancelled => HostStatus.Cancelled,
        _ => HostStatus.ConnectionFailed,
    };

    private static string Text(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }

    private sealed class Captured
    {
        public StringBuilder Stdout { get; } = new();

        public StringBuilder Stderr { get; } = new();
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
