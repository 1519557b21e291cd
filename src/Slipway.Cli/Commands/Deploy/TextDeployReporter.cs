using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Deploy.Execution;
using Spectre.Console;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>Live per-host phase lines (<c>host  phase  ok  0.12s</c>), warnings, and --verbose output prefixed by host.</summary>
internal sealed class TextDeployReporter(IAnsiConsole console, IReadOnlyList<HostConfig> hosts) : IDeployReporter
{
    private readonly int _width = hosts.Count == 0 ? 0 : hosts.Max(h => h.DisplayName.Length);
    private readonly Lock _lock = new();

    public void Info(string line) => Write(line, null);

    public void Warning(string line) => Write("warning: " + line, ConsoleText.Yellow);

    public void HostPhase(HostConfig host, string phase, bool ok, TimeSpan elapsed, string? detail)
    {
        var seconds = elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + "s";
        var status = ok ? "ok    " : "FAILED";
        var text = $"  {host.DisplayName.PadRight(_width)}  {phase,-8} {status} {seconds,7}";
        Write(ok ? text : text + "  " + detail, ok ? null : ConsoleText.Red);
    }

    public void HostOutput(HostConfig host, string line) => Write($"  {host.DisplayName.PadRight(_width)} | {line}", null);

    private void Write(string text, string? colour)
    {
        lock (_lock)
        {
            ConsoleText.Line(console, text, colour);
        }
    }
}
