using System.Text.Json;
using Slipway.Core.Config;
using Slipway.Remote;
using Slipway.Remote.Exec;

namespace Slipway.Cli.Output;

/// <summary><c>slipway exec --json</c>: one JSON object per host, one per line, as each host finishes.</summary>
internal sealed class JsonExecReporter(TextWriter output) : IExecReporter
{
    private readonly Lock _lock = new();

    public void Started(IReadOnlyList<HostConfig> hosts)
    {
    }

    public void HostStarted(HostConfig host)
    {
    }

    public void Output(HostConfig host, OutputLine line)
    {
    }

    public void HostFinished(HostOutcome outcome)
    {
        var record = new ExecHostRecord(
            outcome.Host.DisplayName,
            outcome.Host.Host,
            outcome.Host.Port,
            outcome.Host.User,
            StatusName(outcome.Status),
            outcome.ExitCode,
            (long)outcome.Duration.TotalMilliseconds,
            outcome.Error,
            outcome.Stdout,
            outcome.Stderr);
        var json = JsonSerializer.Serialize(record, CliJsonContext.Default.ExecHostRecord);
        lock (_lock)
        {
            output.Write(json);
            output.Write('\n');
            output.Flush();
        }
    }

    public void Finished(IReadOnlyList<HostOutcome> outcomes, TimeSpan elapsed)
    {
    }

    public static string StatusName(HostStatus status) => status switch
    {
        HostStatus.Ok => "ok",
        HostStatus.Failed => "failed",
        HostStatus.ConnectionFailed => "connection_failed",
        HostStatus.TimedOut => "timed_out",
        _ => "cancelled",
    };
}
