using Slipway.Core.Config;

namespace Slipway.Remote.Exec;

/// <summary>Receives progress from <see cref="ExecRunner"/>; calls may come from many threads at once.</summary>
public interface IExecReporter
{
    void Started(IReadOnlyList<HostConfig> hosts);

    void HostStarted(HostConfig host);

    void Output(HostConfig host, OutputLine line);

    void HostFinished(HostOutcome outcome);

    void Finished(IReadOnlyList<HostOutcome> outcomes, TimeSpan elapsed);
}
