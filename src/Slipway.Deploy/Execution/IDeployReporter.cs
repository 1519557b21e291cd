using Slipway.Core.Config;

namespace Slipway.Deploy.Execution;

/// <summary>Live progress of a run, for the console (text or nothing for --json).</summary>
public interface IDeployReporter
{
    void Info(string line);

    void Warning(string line);

    /// <summary>One host finished one phase (ok or not) after <paramref name="elapsed"/>.</summary>
    void HostPhase(HostConfig host, string phase, bool ok, TimeSpan elapsed, string? detail);

    /// <summary>A line a host's command printed (only asked for with --verbose).</summary>
    void HostOutput(HostConfig host, string line);
}

public sealed class SilentReporter : IDeployReporter
{
    public static SilentReporter Instance { get; } = new();

    public void Info(string line)
    {
    }

    public void Warning(string line)
    {
    }

    public void HostPhase(HostConfig host, string phase, bool ok, TimeSpan elapsed, string? detail)
    {
    }

    public void HostOutput(HostConfig host, string line)
    {
    }
}
