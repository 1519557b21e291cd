using Slipway.Monitor.Plugins;

namespace Slipway.Monitor.Checks;

/// <summary>A Nagios plugin as a check.</summary>
public sealed class PluginCheck(PluginCommand command, PluginRunner runner) : ICheck
{
    public PluginCommand Command { get; } = command;

    public Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct) => runner.RunAsync(Command, timeout, ct);
}
