using System.Diagnostics;
using System.Globalization;
using Slipway.Core.Config;
using Slipway.Remote;
using Slipway.Remote.Exec;

namespace Slipway.Cli.Output;

/// <summary>
/// Human output of <c>slipway exec</c>: every line prefixed by its host, a live status line while hosts run
/// (interactive terminals only), and a summary naming each failed host and why.
/// </summary>
internal sealed class TextExecReporter : IExecReporter, IDisposable
{
    private readonly TextWriter _out;
    private readonly bool _colour;
    private readonly bool _live;
    private readonly Lock _lock = new();
    private readonly Dictionary<HostConfig, string> _prefixes = [];
    private readonly HashSet<HostConfig> _running = [];
    private readonly Stopwatch _clock = new();
    private Timer? _timer;
    private int _total;
    private int _done;
    private bool _statusShown;

    public TextExecReporter(TextWriter output, bool colour, bool live)
    {
        _out = output;
        _colour = colour;
        _live = live;
    }

    public void Started(IReadOnlyList<HostConfig> hosts)
    {
        var width = hosts.Max(h => h.DisplayName.Length);
        for (var i = 0; i < hosts.Count; i++)
        {
            _prefixes[hosts[i]] = HostPalette.Paint(hosts[i].DisplayName.PadRight(width), HostPalette.ColourFor(i), _colour);
        }

        _total = hosts.Count;
        _clock.Start();
        if (_live)
        {
            _timer = new Timer(_ => Redraw(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        }
    }

    public void HostStarted(HostConfig host)
    {
        lock (_lock)
        {
            _running.Add(host);
        }
    }

    public void Output(HostConfig host, OutputLine line)
    {
        var text = line.Kind == OutputKind.Stderr ? HostPalette.Paint(line.Text, "31", _colour) : line.Text;
        WriteLine(_prefixes[host] + " | " + text);
    }

    public void HostFinished(HostOutcome outcome)
    {
        lock (_lock)
        {
            _running.Remove(outcome.Host);
            _done++;
        }
    }

    public void Finished(IReadOnlyList<HostOutcome> outcomes, TimeSpan elapsed)
    {
        _timer?.Dispose();
        _timer = null;
        var seconds = elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + "s";
        var failed = outcomes.Where(o => o.Status != HostStatus.Ok).ToList();
        if (failed.Count == 0)
        {
            WriteLine(HostPalette.Paint($"ok: {Hosts(outcomes.Count)} succeeded in {seconds}", "32", _colour));
            return;
        }

        var width = failed.Max(o => o.Host.DisplayName.Length);
        WriteLine(HostPalette.Paint($"FAILED on {failed.Count} of {Hosts(outcomes.Count)} ({seconds}):", "31", _colour));
        foreach (var outcome in failed)
        {
            WriteLine("  " + outcome.Host.DisplayName.PadRight(width) + "  " + Describe(outcome));
        }
    }

    public void Dispose() => _timer?.Dispose();

    private static string Describe(HostOutcome outcome) => outcome.Status switch
    {
        HostStatus.Failed => $"exit code {outcome.ExitCode}",
        HostStatus.Cancelled => "cancelled",
        _ => (outcome.Error ?? outcome.Status.ToString()).ReplaceLineEndings("\n    "),
    };

    private static string Hosts(int count) => count == 1 ? "1 host" : $"{count} hosts";

    private void WriteLine(string line)
    {
        lock (_lock)
        {
            ClearStatus();
            _out.Write(line);
            _out.Write('\n');
            DrawStatus();
            _out.Flush();
        }
    }

    private void Redraw()
    {
        lock (_lock)
        {
            ClearStatus();
            DrawStatus();
            _out.Flush();
        }
    }

    private void ClearStatus()
    {
        if (_statusShown)
        {
            _out.Write("\r\u001b[2K");
            _statusShown = false;
        }
    }

    private void DrawStatus()
    {
        if (!_live || _timer is null)
        {
            return;
        }

        var names = string.Join(", ", _running.Take(4).Select(h => h.DisplayName)) + (_running.Count > 4 ? ", …" : "");
        var seconds = _clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        var status = $"{_done}/{_total} done, {_running.Count} running{(names.Length > 0 ? ": " + names : "")} · {seconds}s";
        _out.Write(HostPalette.Paint(status, "2", _colour));
        _statusShown = true;
    }
}
